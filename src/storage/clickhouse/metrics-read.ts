import type { LabelMatcher, Labels, MetricMetadata, SelectHints, SeriesSamples, SharedSelection, TimeRange } from '../interface.js';
import type { ChConnection } from './connection.js';
import { parseJsonRows } from './json-rows.js';
import { matcherCondition, matcherSetsCondition } from './matchers.js';
import type { LookupCache } from './lookup-cache.js';
import { readNativeColumns } from './native-columns.js';
import { fingerprintHalves, type RecentSamples } from '../recent/recent-samples.js';
import { SampleScratch } from '../recent/series-chunks.js';
import { SharedWriter } from '../recent/shared-samples.js';
import { VALUE } from './schema.js';
import { database, ident, join, param, render, sql, type Fragment } from './sql.js';

const DAY_MS = 86_400_000;
/** Fingerprints per samples query; bounds the parameter size. */
const FINGERPRINTS_PER_QUERY = 1000;

export interface SeriesRow {
  fp: string;
  metric_name: string;
  labels: Record<string, string>;
}

/** Read side of the metrics tables. */
export class MetricsRead {
  /** Fingerprint halves and label sets of series rows (rows are kept by the lookup cache). */
  private readonly halves = new WeakMap<SeriesRow, readonly [number, number]>();
  private readonly labelSets = new WeakMap<SeriesRow, Labels>();

  /**
   * @param lookups series lookups remembered between queries; only where this process writes
   *   every series row (embedded), see LookupCache.
   * @param recent the in-process copy of the newest samples (embedded), read instead of the
   *   samples table for the ranges it covers
   */
  constructor(private readonly conn: ChConnection, private readonly db: string, private readonly lookups?: LookupCache<SeriesRow>, private readonly recent?: RecentSamples) {}

  /** A series row was written: remembered lookups may miss it. */
  seriesWritten(): void {
    this.lookups?.invalidate();
  }

  private seriesWhere(tenant: string, range: TimeRange, condition: Fragment): Fragment {
    const first = Math.floor(range.start / DAY_MS);
    const last = Math.floor(range.end / DAY_MS);
    return sql`${ident('tenant')} = ${param('String', tenant)} AND ${ident('day')} BETWEEN ${param('Date', isoDay(first))} AND ${param('Date', isoDay(last))} AND (${condition})`;
  }

  private async seriesRows(tenant: string, range: TimeRange, condition: Fragment, limit: number): Promise<SeriesRow[]> {
    const q = sql`SELECT toString(fingerprint) AS fp, metric_name, labels FROM ${database(this.db)}.${ident('series')}
WHERE ${this.seriesWhere(tenant, range, condition)}
ORDER BY fingerprint LIMIT 1 BY fingerprint LIMIT ${param('UInt64', limit)}`;
    return parseJsonRows<SeriesRow>(await this.conn.query(render(q), 'JSONEachRow'));
  }

  /** See MetricsReader.selectShared. */
  async selectShared(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange): Promise<SharedSelection | undefined> {
    const recent = this.recent;
    if (!recent?.covers(range)) return undefined;
    const rows = await this.lookupRows(tenant, matchers, range);
    return {
      labels: rows.map((row) => this.labelsOf(row)),
      samples: (from, to) => {
        // Checked again: the copy may have moved on since the lookup.
        if (!recent.covers(range)) return undefined;
        const out = new SharedWriter(range.start, range.end, to - from);
        for (let i = from; i < to; i++) {
          const fp = this.halvesOf(rows[i]!);
          recent.share(tenant, fp[0], fp[1], out);
        }
        return out.finish();
      },
    };
  }

  private lookupRows(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange): Promise<readonly SeriesRow[]> {
    const condition = matchers.length ? join(matchers.map(matcherCondition), sql` AND `) : sql`1`;
    const lookup = () => this.seriesRows(tenant, range, condition, Number.MAX_SAFE_INTEGER);
    const key = JSON.stringify([tenant, Math.floor(range.start / DAY_MS), Math.floor(range.end / DAY_MS), matchers]);
    return this.lookups ? this.lookups.get(key, lookup) : lookup();
  }

  private halvesOf(row: SeriesRow): readonly [number, number] {
    let fp = this.halves.get(row);
    if (!fp) this.halves.set(row, (fp = fingerprintHalves(row.fp)));
    return fp;
  }

  private labelsOf(row: SeriesRow): Labels {
    let labels = this.labelSets.get(row);
    if (!labels) this.labelSets.set(row, (labels = toLabels(row)));
    return labels;
  }

  async *select(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange, hints?: SelectHints): AsyncIterable<SeriesSamples> {
    const rows = await this.lookupRows(tenant, matchers, range);
    if (this.recent?.covers(range)) {
      const scratch = hints?.transient ? new SampleScratch() : undefined;
      for (const row of rows) {
        const fp = this.halvesOf(row);
        const s = this.recent.read(tenant, fp[0], fp[1], range, scratch);
        if (s) yield { labels: this.labelsOf(row), ...s };
      }
      return;
    }
    // The next chunk is read while the caller evaluates this one (ClickHouse works in its own
    // threads); a rejected read ahead is marked handled so that stopping early is quiet.
    let ahead: Promise<SeriesSamples[]> | undefined;
    const readChunk = (from: number) => {
      const p = this.samples(tenant, rows.slice(from, from + FINGERPRINTS_PER_QUERY), range);
      p.catch(() => undefined);
      return p;
    };
    if (rows.length) ahead = readChunk(0);
    for (let i = 0; ahead; i += FINGERPRINTS_PER_QUERY) {
      const current = await ahead;
      ahead = i + FINGERPRINTS_PER_QUERY < rows.length ? readChunk(i + FINGERPRINTS_PER_QUERY) : undefined;
      yield* current;
    }
  }

  /**
   * The samples of `chunk` (series rows) in the range. Rows come back as narrow columns in key
   * order — series index (UInt16), time (UInt32 offset from the range start when the range allows),
   * value, flags — and each series gets views of the shared column arrays.
   */
  private async samples(tenant: string, chunk: readonly SeriesRow[], range: TimeRange): Promise<SeriesSamples[]> {
    const names = [...new Set(chunk.map((r) => r.metric_name))];
    const fps = chunk.map((r) => r.fp);
    const offsetTimes = range.end - range.start < 2 ** 32;
    const time = offsetTimes ? sql`toUInt32(unix_milli - ${param('Int64', range.start)})` : sql`toFloat64(unix_milli)`;
    const q = sql`SELECT transform(fingerprint, ${param('Array(UInt64)', fps)}, range(toUInt16(${param('UInt64', fps.length)})), toUInt16(65535)) AS i, ${time} AS t, ${VALUE} AS v, flags
FROM ${database(this.db)}.${ident('samples')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND metric_name IN ${param('Array(String)', names)}
  AND fingerprint IN ${param('Array(UInt64)', fps)}
  AND unix_milli BETWEEN ${param('Int64', range.start)} AND ${param('Int64', range.end)}
ORDER BY metric_name, fingerprint, unix_milli`;
    const buf = await this.conn.query(render(q), 'Native');
    if (!offsetTimes) {
      const { columns } = readNativeColumns(buf, { i: 'UInt16', t: 'Float64', v: 'Float64', flags: 'UInt8' });
      return seriesViews(chunk, columns.i, columns.t, columns.v, columns.flags);
    }
    const { rows, columns } = readNativeColumns(buf, { i: 'UInt16', t: 'UInt32', v: 'Float64', flags: 'UInt8' });
    const times = new Float64Array(rows);
    for (let k = 0; k < rows; k++) times[k] = range.start + columns.t[k]!;
    return seriesViews(chunk, columns.i, times, columns.v, columns.flags);
  }

  async series(tenant: string, sets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<Labels[]> {
    return (await this.seriesRows(tenant, range, matcherSetsCondition(sets), limit)).map(toLabels);
  }

  async labelNames(tenant: string, sets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]> {
    const q = sql`SELECT name FROM (
  SELECT DISTINCT arrayJoin(arrayConcat(['__name__'], mapKeys(labels))) AS name FROM ${database(this.db)}.${ident('series')}
  WHERE ${this.seriesWhere(tenant, range, matcherSetsCondition(sets))}
) ORDER BY name LIMIT ${param('UInt64', limit)}`;
    return lines(await this.conn.query(render(q), 'JSONEachRow'), 'name');
  }

  async labelValues(tenant: string, name: string, sets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]> {
    const where = this.seriesWhere(tenant, range, matcherSetsCondition(sets));
    const table = sql`${database(this.db)}.${ident('series')}`;
    const q = name === '__name__'
      ? sql`SELECT DISTINCT metric_name AS v FROM ${table} WHERE ${where} ORDER BY v LIMIT ${param('UInt64', limit)}`
      : sql`SELECT DISTINCT labels[${param('String', name)}] AS v FROM ${table} WHERE ${where} AND mapContains(labels, ${param('String', name)}) ORDER BY v LIMIT ${param('UInt64', limit)}`;
    return lines(await this.conn.query(render(q), 'JSONEachRow'), 'v');
  }

  async metadata(tenant: string, opts: { metric?: string; limit: number; limitPerMetric: number }): Promise<Map<string, MetricMetadata[]>> {
    const metric = opts.metric ? sql` AND metric_name = ${param('String', opts.metric)}` : sql``;
    const q = sql`SELECT metric_name, type, help, unit FROM ${database(this.db)}.${ident('metadata')} FINAL
WHERE ${ident('tenant')} = ${param('String', tenant)}${metric} ORDER BY metric_name, updated_at DESC`;
    const out = new Map<string, MetricMetadata[]>();
    for (const r of parseJsonRows<{ metric_name: string } & MetricMetadata>(await this.conn.query(render(q), 'JSONEachRow'))) {
      let list = out.get(r.metric_name);
      if (!list) {
        if (out.size >= opts.limit) break;
        list = [];
        out.set(r.metric_name, list);
      }
      if (list.length < opts.limitPerMetric) list.push({ type: r.type, help: r.help, unit: r.unit });
    }
    return out;
  }
}

/** Day number to YYYY-MM-DD, clamped to the Date type's range. */
function isoDay(day: number): string {
  const clamped = Math.min(Math.max(day, 0), 65_535);
  return new Date(clamped * DAY_MS).toISOString().slice(0, 10);
}

function toLabels(r: SeriesRow): Labels {
  const labels: Record<string, string> = { __name__: r.metric_name };
  for (const k of Object.keys(r.labels).sort()) labels[k] = r.labels[k]!;
  return labels;
}

function lines(buf: Buffer, key: string): string[] {
  return parseJsonRows<Record<string, string>>(buf).map((r) => r[key]!);
}

/**
 * Splits key-ordered rows into one series per chunk entry, in chunk order. Of a timestamp stored
 * twice (a sample re-sent with another value after a restart) one row is kept.
 */
function seriesViews(chunk: readonly SeriesRow[], index: Uint16Array, times: Float64Array, values: Float64Array, flags: Uint8Array): SeriesSamples[] {
  const from = new Int32Array(chunk.length).fill(-1);
  const to = new Int32Array(chunk.length);
  for (let k = 0; k < index.length;) {
    const s = index[k]!;
    let e = k + 1;
    while (e < index.length && index[e] === s) e++;
    if (s < chunk.length) {
      from[s] = k;
      to[s] = e;
    }
    k = e;
  }
  const out: SeriesSamples[] = [];
  chunk.forEach((row, s) => {
    if (from[s]! < 0) return;
    const end = dedupeTimes(times, values, flags, from[s]!, to[s]!);
    out.push({ labels: toLabels(row), timestamps: times.subarray(from[s], end), values: values.subarray(from[s], end), flags: flags.subarray(from[s], end) });
  });
  return out;
}

/** Removes repeated timestamps in [from, to) in place (keeping the last row of each); returns the new end. */
function dedupeTimes(t: Float64Array, v: Float64Array, f: Uint8Array, from: number, to: number): number {
  let k = from + 1;
  while (k < to && t[k] !== t[k - 1]) k++;
  if (k >= to) return to;
  let w = k - 1;
  for (let r = k; r < to; r++) {
    if (t[r] !== t[w]) w++;
    t[w] = t[r]!;
    v[w] = v[r]!;
    f[w] = f[r]!;
  }
  return w + 1;
}
