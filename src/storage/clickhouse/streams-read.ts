import type { LogStreamsReader, StreamLine, StreamSelection, TimeRange } from '../interface.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { all, timeCondition, tokens } from './event-filters.js';
import { database, ident, join, param, sql, type Fragment } from './sql.js';

/** The stream labels of a row: resource attributes with keys made label-safe, plus `service_name`. */
const LABELS = sql`mapUpdate(mapApply((k, v) -> (replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_'), v), ${ident('ResourceAttributes')}), map('service_name', ${ident('ServiceName')}))`;

/** Words of a `|=` needle that lie wholly inside it (the first and last may be parts of longer words). */
function innerTokens(needle: string): string[] {
  const words = tokens(needle);
  if (/^[\p{L}\p{N}]/u.test(needle)) words.shift();
  if (/[\p{L}\p{N}]$/u.test(needle)) words.pop();
  return words;
}

/** Loki-style reads of the `logs` table: streams by labels, line filters, counts per stream. */
export class StreamsRead implements LogStreamsReader {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private table(): Fragment {
    return sql`${database(this.db)}.${ident('logs')}`;
  }

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }

  private where(tenant: string, sel: StreamSelection): Fragment {
    const c: Fragment[] = [sql`${ident('tenant')} = ${param('String', tenant)}`, timeCondition(sel.range)];
    for (const m of sel.matchers) {
      const value = m.name === 'service_name' ? sql`${ident('ServiceName')}` : sql`${ident('ResourceAttributes')}[${param('String', m.name)}]`;
      if (m.op === '=') c.push(sql`${value} = ${param('String', m.value)}`);
      else if (m.op === '!=') c.push(sql`${value} != ${param('String', m.value)}`);
      else c.push(sql`${m.op === '!~' ? sql`NOT ` : sql``}match(${value}, ${param('String', `^(?s:${m.value})$`)})`);
    }
    for (const f of sel.lineFilters) {
      const body = ident('Body');
      if (f.op === '|=') {
        const words = innerTokens(f.value);
        if (words.length > 0) c.push(sql`hasAllTokens(lower(${body}), ${param('Array(String)', words)})`);
        c.push(sql`position(${body}, ${param('String', f.value)}) > 0`);
      } else if (f.op === '!=') c.push(sql`position(${body}, ${param('String', f.value)}) = 0`);
      else c.push(sql`${f.op === '!~' ? sql`NOT ` : sql``}match(${body}, ${param('String', f.value)})`);
    }
    return all(c);
  }

  async streamLines(tenant: string, sel: StreamSelection, limit: number, direction: 'backward' | 'forward'): Promise<StreamLine[]> {
    const order = direction === 'backward' ? sql`DESC` : sql`ASC`;
    const rows = await this.rows<{ t: string; Body: string; labels: Record<string, string>; LogAttributes: Record<string, string> }>(sql`
SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS t, Body, ${LABELS} AS labels, LogAttributes
FROM ${this.table()} WHERE ${this.where(tenant, sel)}
ORDER BY ${ident('Timestamp')} ${order} LIMIT ${param('UInt32', limit)}`);
    return rows.map((r) => ({ timeUnixNano: r.t, line: r.Body, labels: r.labels, metadata: r.LogAttributes }));
  }

  async streamCounts(tenant: string, sel: StreamSelection, resolutionMs: number): Promise<{ labels: Record<string, string>; bucket: number; count: number; bytes: number }[]> {
    const rows = await this.rows<{ labels: Record<string, string>; bucket: string; count: string; bytes: string }>(sql`
SELECT ${LABELS} AS labels, intDiv(toUnixTimestamp64Milli(Timestamp), ${param('Int64', resolutionMs)}) * ${param('Int64', resolutionMs)} AS bucket,
  count() AS count, sum(length(Body)) AS bytes
FROM ${this.table()} WHERE ${this.where(tenant, sel)} GROUP BY labels, bucket ORDER BY bucket`);
    return rows.map((r) => ({ labels: r.labels, bucket: Number(r.bucket), count: Number(r.count), bytes: Number(r.bytes) }));
  }

  async streamLabelNames(tenant: string, range: TimeRange): Promise<string[]> {
    const rows = await this.rows<{ name: string }>(sql`
SELECT DISTINCT arrayJoin(mapKeys(${LABELS})) AS name FROM ${this.table()}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${timeCondition(range)} ORDER BY name`);
    return rows.map((r) => r.name);
  }

  async streamLabelValues(tenant: string, name: string, range: TimeRange): Promise<string[]> {
    const rows = await this.rows<{ value: string }>(sql`
SELECT DISTINCT ${LABELS}[${param('String', name)}] AS value FROM ${this.table()}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${timeCondition(range)} AND value != '' ORDER BY value`);
    return rows.map((r) => r.value);
  }

  async streams(tenant: string, sels: readonly StreamSelection[], limit: number): Promise<Record<string, string>[]> {
    if (sels.length === 0) return [];
    const rows = await this.rows<{ labels: Record<string, string> }>(sql`
SELECT DISTINCT ${LABELS} AS labels FROM ${this.table()}
WHERE ${join(sels.map((s) => sql`(${this.where(tenant, s)})`), sql` OR `)} LIMIT ${param('UInt32', limit)}`);
    return rows.map((r) => r.labels);
  }
}
