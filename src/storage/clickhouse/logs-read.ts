import type { LogCursor, LogQuery, LogRecord, LogsReader } from '../interface.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { all, attributeCondition, oneOf, timeCondition, tokens } from './event-filters.js';
import { database, ident, param, sql, type Fragment } from './sql.js';

/** The span a service-and-severity search reads first (the sorting key's five-minute buckets). */
const RECENT_MS = 5 * 60_000;

interface Row {
  t: string;
  o: string;
  TraceId: string;
  SpanId: string;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  LogAttributes: Record<string, string>;
  EventName: string;
  Truncated: number;
}

/** Log search over the `logs` table: the body's text index answers words, bloom filters ids and attributes. */
export class LogsRead implements LogsReader {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private table(): Fragment {
    return sql`${database(this.db)}.${ident('logs')}`;
  }

  private where(tenant: string, q: LogQuery, time: Fragment = timeCondition(q.range)): Fragment {
    const c: Fragment[] = [sql`${ident('tenant')} = ${param('String', tenant)}`, time];
    if (q.services.length > 0) c.push(oneOf(sql`${ident('ServiceName')}`, q.services));
    if (q.severities.length > 0) c.push(oneOf(sql`lower(${ident('SeverityText')})`, q.severities.map((s) => s.toLowerCase())));
    const words = [...q.terms.flatMap(tokens), ...q.phrases.flatMap(tokens)];
    if (words.length > 0) c.push(sql`hasAllTokens(lower(${ident('Body')}), ${param('Array(String)', [...new Set(words)])})`);
    for (const p of q.phrases) c.push(sql`positionCaseInsensitiveUTF8(${ident('Body')}, ${param('String', p)}) > 0`);
    for (const f of q.attributes) c.push(attributeCondition(f, 'LogAttributes'));
    if (q.traceId) c.push(sql`${ident('TraceId')} = ${param('String', q.traceId.toLowerCase())}`);
    if (q.spanId) c.push(sql`${ident('SpanId')} = ${param('String', q.spanId.toLowerCase())}`);
    return all(c);
  }

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }

  /**
   * Newest first. A filter on service and severity alone (the "tail of a service" view) first
   * reads the last five minutes, which lie in the newest parts, and the rest of the range only if
   * those did not fill the page: measured at 1M lines in 5 parts, 8.0 → 5.3 ms in chDB. Word, id
   * and attribute searches are sparse, so they read the whole range at once. Lines of the same
   * nanosecond are ordered by a hash of their body, so a cursor's offset among them points at the
   * same line from one query to the next (without it, pages repeated some and skipped others).
   */
  async searchLogs(tenant: string, q: LogQuery, page: { limit: number; after?: LogCursor }): Promise<{ records: LogRecord[]; next?: LogCursor }> {
    const afterMs = page.after ? Number(BigInt(page.after.timeUnixNano) / 1_000_000n) : Infinity;
    const end = Math.min(q.range.end, afterMs);
    const dense = q.terms.length + q.phrases.length + q.attributes.length === 0 && !q.traceId && !q.spanId;
    const split = dense && end - q.range.start > RECENT_MS ? end - RECENT_MS : q.range.start;
    const records = await this.read(tenant, { ...q, range: { start: split, end: q.range.end } }, page.limit, page.after);
    if (records.length < page.limit && split > q.range.start) {
      records.push(...await this.read(tenant, { ...q, range: { start: q.range.start, end: split - 1 } }, page.limit - records.length));
    }
    if (records.length < page.limit) return { records };
    const last = records.at(-1)!.timeUnixNano;
    const atLast = records.filter((r) => r.timeUnixNano === last).length;
    return { records, next: { timeUnixNano: last, skip: atLast + (page.after?.timeUnixNano === last ? page.after.skip : 0) } };
  }

  private async read(tenant: string, q: LogQuery, limit: number, after?: LogCursor): Promise<LogRecord[]> {
    const conditions = [this.where(tenant, q)];
    if (after) conditions.push(sql`${ident('Timestamp')} <= fromUnixTimestamp64Nano(${param('Int64', BigInt(after.timeUnixNano))})`);
    const rows = await this.rows<Row>(sql`
SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS t, toString(toUnixTimestamp64Nano(ObservedTimestamp)) AS o, TraceId, SpanId, SeverityText, SeverityNumber,
  ServiceName, Body, ResourceAttributes, ScopeName, LogAttributes, EventName, Truncated
FROM ${this.table()} WHERE ${all(conditions)}
ORDER BY toStartOfFiveMinutes(${ident('Timestamp')}) DESC, ${ident('Timestamp')} DESC, cityHash64(${ident('Body')})
LIMIT ${param('UInt32', limit)} OFFSET ${param('UInt32', after?.skip ?? 0)}`);
    return rows.map((r): LogRecord => ({
      timeUnixNano: r.t, observedTimeUnixNano: r.o, traceId: r.TraceId, spanId: r.SpanId, severityText: r.SeverityText, severityNumber: r.SeverityNumber,
      serviceName: r.ServiceName, body: r.Body, resourceAttributes: r.ResourceAttributes, scopeName: r.ScopeName, logAttributes: r.LogAttributes,
      eventName: r.EventName, truncated: r.Truncated === 1,
    }));
  }

  /**
   * Counts per bucket. With whole-minute steps the buckets cover the minutes at the edges whole:
   * filters on service and severity alone are answered from the `counts` projection, others read
   * the stored minute of each line instead of its nanosecond time.
   */
  async logCounts(tenant: string, q: LogQuery, stepMs: number, by?: 'severity' | 'service'): Promise<{ time: number; key: string; count: number }[]> {
    const key = by === 'severity' ? sql`${ident('SeverityText')}` : by === 'service' ? sql`${ident('ServiceName')}` : sql`''`;
    let bucket = sql`intDiv(toUnixTimestamp64Milli(${ident('Timestamp')}), ${param('Int64', stepMs)}) * ${param('Int64', stepMs)}`;
    let where = this.where(tenant, q);
    if (stepMs % 60_000 === 0) {
      const onlyServiceAndSeverity = q.terms.length + q.phrases.length + q.attributes.length === 0 && !q.traceId && !q.spanId;
      const minute = onlyServiceAndSeverity ? sql`toStartOfMinute(${ident('Timestamp')})` : sql`${ident('Minute')}`;
      bucket = sql`intDiv(toUnixTimestamp(${minute}), ${param('Int64', stepMs / 1000)}) * ${param('Int64', stepMs)}`;
      where = this.where(tenant, q, sql`${minute} >= toDateTime(${param('Int64', Math.floor(q.range.start / 60_000) * 60)}) AND ${minute} <= toDateTime(${param('Int64', Math.floor(q.range.end / 60_000) * 60)})`);
    }
    const rows = await this.rows<{ time: string; key: string; count: string }>(sql`
SELECT ${bucket} AS time, ${key} AS key, count() AS count FROM ${this.table()} WHERE ${where} GROUP BY time, key ORDER BY time, key`);
    return rows.map((r) => ({ time: Number(r.time), key: r.key, count: Number(r.count) }));
  }

  async logFacet(tenant: string, q: LogQuery, field: string, limit: number): Promise<{ value: string; count: number }[]> {
    const value = field === 'service' ? sql`${ident('ServiceName')}`
      : field === 'severity' ? sql`${ident('SeverityText')}`
        : field.startsWith('resource.') ? sql`${ident('ResourceAttributes')}[${param('String', field.slice('resource.'.length))}]`
          : sql`${ident('LogAttributes')}[${param('String', field)}]`;
    const rows = await this.rows<{ value: string; count: string }>(sql`
SELECT ${value} AS value, count() AS count FROM ${this.table()} WHERE ${this.where(tenant, q)}
GROUP BY value ORDER BY count DESC, value LIMIT ${param('UInt32', limit)}`);
    return rows.map((r) => ({ value: r.value, count: Number(r.count) }));
  }
}
