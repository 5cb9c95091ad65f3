/**
 * Results of series lookups (matchers and days → series rows), kept while no new series row is
 * written. Valid only where this process is the only writer (embedded storage): `invalidate` is
 * called after every insert that carried series rows. Least recently used entries go first;
 * both the number of entries and the rows they hold are bounded.
 */
export class LookupCache<T> {
  private generation = 0;
  private rows = 0;
  private readonly entries = new Map<string, { generation: number; rows: readonly T[] }>();

  constructor(private readonly maxEntries: number, private readonly maxRows: number) {}

  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.rows = 0;
  }

  /** The rows for `key`, from the cache or from `load` (whose answer is kept if still current). */
  async get(key: string, load: () => Promise<readonly T[]>): Promise<readonly T[]> {
    const hit = this.entries.get(key);
    if (hit?.generation === this.generation) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.rows;
    }
    const generation = this.generation;
    const rows = await load();
    if (generation === this.generation && rows.length <= this.maxRows) {
      const old = this.entries.get(key);
      if (old) this.rows -= old.rows.length;
      this.entries.delete(key);
      this.entries.set(key, { generation, rows });
      this.rows += rows.length;
      for (const [k, e] of this.entries) {
        if (this.entries.size <= this.maxEntries && this.rows <= this.maxRows) break;
        this.entries.delete(k);
        this.rows -= e.rows.length;
      }
    }
    return rows;
  }
}
