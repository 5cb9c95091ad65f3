import type { LabelMatcher, Labels, MetricMetadata, SeriesSamples, TimeRange } from '../interface.js';
import type { ChConnection } from './connection.js';
import { matcherCondition, matcherSetsCondition } from './matchers.js';
import { VALUE } from './schema.js';
import { database, ident, join, param, render, sql, type Fragment } from './sql.js';

const DAY_MS = 86_400_000;
/** Fingerprints per samples query; bounds the parameter size. */
const FINGERPRINTS_PER_QUERY = 5000;

interface SeriesRow {
  fp: string;
  metric_name: string;
  labels: Record<string, string>;
}

/** Read side of the metrics tables. */
export class MetricsRead {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

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

  async *select(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange): AsyncIterable<SeriesSamples> {
    const condition = matchers.length ? join(matchers.map(matcherCondition), sql` AND `) : sql`1`;
    const rows = await this.seriesRows(tenant, range, condition, Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < rows.length; i += FINGERPRINTS_PER_QUERY) {
      const chunk = rows.slice(i, i + FINGERPRINTS_PER_QUERY);
      const byFp = new Map(chunk.map((r) => [r.fp, r]));
      const names = [...new Set(chunk.map((r) => r.metric_name))];
      // One row per series with its samples as arrays (the client copies arrays instead of
      // decoding a row per sample), grouped in storage order: one thread reads the parts in
      // key order, so each array is in time order (decodeSamples checks and sorts if not).
      // (Separate groupArray()s of the columns came back in different orders here; one array of
      // tuples keeps each sample together.)
      const q = sql`SELECT fingerprint, arrayMap(s -> s.1, points) AS times, arrayMap(s -> s.2, points) AS vals, arrayMap(s -> s.3, points) AS flag_bits
FROM (SELECT fingerprint, groupArray((toFloat64(unix_milli), ${VALUE}, flags)) AS points FROM (SELECT fingerprint, unix_milli, mantissa, decimals, flags FROM ${database(this.db)}.${ident('samples')}
  WHERE ${ident('tenant')} = ${param('String', tenant)} AND metric_name IN ${param('Array(String)', names)}
    AND fingerprint IN ${param('Array(UInt64)', chunk.map((r) => r.fp))}
    AND unix_milli BETWEEN ${param('Int64', range.start)} AND ${param('Int64', range.end)}
  ORDER BY metric_name, fingerprint, unix_milli)
GROUP BY fingerprint) SETTINGS optimize_aggregation_in_order = 1, max_threads = 1`;
      for (const s of decodeSamples(await this.conn.query(render(q), 'RowBinary'))) {
        const row = byFp.get(s.fp);
        if (row) yield { labels: toLabels(row), timestamps: s.timestamps, values: s.values, flags: s.flags };
      }
    }
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

function parseJsonRows<T>(buf: Buffer): T[] {
  const text = buf.toString('utf8');
  const out: T[] = [];
  for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as T);
  return out;
}

function lines(buf: Buffer, key: string): string[] {
  return parseJsonRows<Record<string, string>>(buf).map((r) => r[key]!);
}

interface DecodedSeries {
  fp: string;
  timestamps: Float64Array;
  values: Float64Array;
  flags: Uint8Array;
}

/** The series with its samples in time order (a stable sort: equal times keep their order). */
function sortedByTime(s: DecodedSeries): DecodedSeries {
  const t = s.timestamps;
  let sorted = true;
  for (let i = 1; i < t.length && sorted; i++) sorted = t[i]! >= t[i - 1]!;
  if (sorted) return s;
  const order = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]! || a - b);
  return { fp: s.fp, timestamps: Float64Array.from(order, (i) => t[i]!), values: Float64Array.from(order, (i) => s.values[i]!), flags: Uint8Array.from(order, (i) => s.flags[i]!) };
}

/**
 * Decodes RowBinary rows (fingerprint UInt64, times Array(Float64), values Array(Float64),
 * flags Array(UInt8)) into series in time order. A repeated timestamp keeps the later sample (a
 * re-sent sample with a new value).
 */
export function decodeSamples(buf: Buffer): DecodedSeries[] {
  const out: DecodedSeries[] = [];
  let p = 0;
  const varint = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[p++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  // Copies into fresh (aligned) memory: typed-array views need 8-byte alignment.
  const f64 = (n: number) => {
    const a = new Float64Array(n);
    new Uint8Array(a.buffer).set(buf.subarray(p, p + n * 8));
    p += n * 8;
    return a;
  };
  while (p < buf.length) {
    const fp = buf.readBigUInt64LE(p).toString();
    p += 8;
    const timestamps = f64(varint());
    const values = f64(varint());
    const n = varint();
    const flags = Uint8Array.prototype.slice.call(buf, p, p + n);
    p += n;
    out.push(dedupeTimes({ fp, timestamps, values, flags }));
  }
  return out;
}

function dedupeTimes(input: DecodedSeries): DecodedSeries {
  const s = sortedByTime(input);
  const t = s.timestamps;
  let dup = false;
  for (let i = 1; i < t.length && !dup; i++) dup = t[i] === t[i - 1];
  if (!dup) return s;
  let k = 0;
  for (let i = 0; i < t.length; i++) {
    if (k > 0 && t[k - 1] === t[i]) k--;
    t[k] = t[i]!;
    s.values[k] = s.values[i]!;
    s.flags[k] = s.flags[i]!;
    k++;
  }
  return { fp: s.fp, timestamps: t.slice(0, k), values: s.values.slice(0, k), flags: s.flags.slice(0, k) };
}
