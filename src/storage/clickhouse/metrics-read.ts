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
      const q = sql`SELECT fingerprint, unix_milli, ${VALUE} AS value, flags FROM ${database(this.db)}.${ident('samples')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND metric_name IN ${param('Array(String)', names)}
  AND fingerprint IN ${param('Array(UInt64)', chunk.map((r) => r.fp))}
  AND unix_milli BETWEEN ${param('Int64', range.start)} AND ${param('Int64', range.end)}
ORDER BY fingerprint, unix_milli`;
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
  timestamps: number[];
  values: number[];
  flags: number[];
}

/**
 * Decodes RowBinary (fingerprint UInt64, unix_milli Int64, value Float64, flags UInt8) sorted by
 * fingerprint, time into one entry per fingerprint. A repeated timestamp keeps the later row.
 */
export function decodeSamples(buf: Buffer): DecodedSeries[] {
  const out: DecodedSeries[] = [];
  let cur: DecodedSeries | undefined;
  let lo = -1;
  let hi = -1;
  for (let p = 0; p + 25 <= buf.length; p += 25) {
    const l = buf.readUInt32LE(p);
    const h = buf.readUInt32LE(p + 4);
    if (!cur || l !== lo || h !== hi) {
      lo = l;
      hi = h;
      cur = { fp: buf.readBigUInt64LE(p).toString(), timestamps: [], values: [], flags: [] };
      out.push(cur);
    }
    const ts = buf.readInt32LE(p + 12) * 4294967296 + buf.readUInt32LE(p + 8);
    const n = cur.timestamps.length;
    if (n > 0 && cur.timestamps[n - 1] === ts) {
      cur.values[n - 1] = buf.readDoubleLE(p + 16);
      cur.flags[n - 1] = buf[p + 24]!;
      continue;
    }
    cur.timestamps.push(ts);
    cur.values.push(buf.readDoubleLE(p + 16));
    cur.flags.push(buf[p + 24]!);
  }
  return out;
}
