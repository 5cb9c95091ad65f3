import { readJson, writeJson } from '../util/json-file.js';

/** Someone took an alert: it escalates no further while this firing lasts. */
export interface Acknowledgement {
  fingerprint: string;
  /** The start of the firing episode acknowledged; a later episode is not acknowledged. */
  startsAt: number;
  by: string;
  comment: string;
  at: number;
}

/** Acknowledgements by alert fingerprint, kept in a JSON file (replaced atomically and durably). */
export class AckStore {
  private readonly acks = new Map<string, Acknowledgement>();

  constructor(private readonly file?: string) {
    if (file) for (const a of readJson<Acknowledgement[]>(file, [])) this.acks.set(a.fingerprint, a);
  }

  put(a: Acknowledgement): void {
    this.acks.set(a.fingerprint, a);
    this.save();
  }

  /** Withdraws an acknowledgement; false when there was none. */
  remove(fingerprint: string): boolean {
    const had = this.acks.delete(fingerprint);
    if (had) this.save();
    return had;
  }

  /** The acknowledgement of the alert's current episode, if any. */
  of(fingerprint: string, startsAt: number): Acknowledgement | undefined {
    const a = this.acks.get(fingerprint);
    return a && a.startsAt === startsAt ? a : undefined;
  }

  list(): Acknowledgement[] {
    return [...this.acks.values()];
  }

  /** Forgets acknowledgements of alerts no longer kept (resolved and gone, or a later episode). */
  prune(live: ReadonlyMap<string, number>): void {
    let changed = false;
    for (const [fp, a] of this.acks) {
      if (live.get(fp) === a.startsAt) continue;
      this.acks.delete(fp);
      changed = true;
    }
    if (changed) this.save();
  }

  private save(): void {
    if (this.file) writeJson(this.file, this.list());
  }
}
