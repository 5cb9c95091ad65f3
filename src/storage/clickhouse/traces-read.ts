import type { SpanRecord, TimeRange, TraceQuery, TracesReader, TraceSummary } from '../interface.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { all, attributeCondition, timeCondition } from './event-filters.js';
import { database, ident, param, sql, type Fragment } from './sql.js';

interface SpanRow {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  t: string;
  d: string;
  StatusCode: string;
  StatusMessage: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  et: string[];
  en: string[];
  ea: Record<string, string>[];
  lt: string[];
  ls: string[];
  lst: string[];
  la: Record<string, string>[];
}

/**
 * Trace reads over `spans` and `trace_index`: a trace by id is a point lookup in the index for
 * its time bounds, then a read of those partitions with the trace-id bloom filter.
 */
export class TracesRead implements TracesReader {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private table(name: 'spans' | 'trace_index'): Fragment {
    return sql`${database(this.db)}.${ident(name)}`;
  }

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }

  async trace(tenant: string, traceId: string): Promise<SpanRecord[]> {
    const id = traceId.toLowerCase();
    const [bounds] = await this.rows<{ n: string; s: string; e: string }>(sql`
SELECT count() AS n, toString(toUnixTimestamp64Nano(min(Start))) AS s, toString(toUnixTimestamp64Nano(max(End))) AS e
FROM ${this.table('trace_index')} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('TraceId')} = ${param('String', id)}`);
    if (!bounds || bounds.n === '0') return [];
    const rows = await this.rows<SpanRow>(sql`
SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, toString(toUnixTimestamp64Nano(Timestamp)) AS t, toString(Duration) AS d,
  StatusCode, StatusMessage, SpanAttributes, ResourceAttributes, ScopeName, ScopeVersion,
  arrayMap(x -> toString(toUnixTimestamp64Nano(x)), ${ident('Events.Timestamp')}) AS et, ${ident('Events.Name')} AS en, ${ident('Events.Attributes')} AS ea,
  ${ident('Links.TraceId')} AS lt, ${ident('Links.SpanId')} AS ls, ${ident('Links.TraceState')} AS lst, ${ident('Links.Attributes')} AS la
FROM ${this.table('spans')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('TraceId')} = ${param('String', id)}
  AND ${ident('Timestamp')} >= fromUnixTimestamp64Nano(${param('Int64', BigInt(bounds.s))})
  AND ${ident('Timestamp')} <= fromUnixTimestamp64Nano(${param('Int64', BigInt(bounds.e))})
ORDER BY ${ident('Timestamp')}, ${ident('SpanId')}`);
    return rows.map((r) => ({
      traceId: r.TraceId, spanId: r.SpanId, parentSpanId: r.ParentSpanId, traceState: r.TraceState, name: r.SpanName, kind: r.SpanKind,
      serviceName: r.ServiceName, startTimeUnixNano: r.t, durationNano: r.d, statusCode: r.StatusCode, statusMessage: r.StatusMessage,
      attributes: r.SpanAttributes, resourceAttributes: r.ResourceAttributes, scopeName: r.ScopeName, scopeVersion: r.ScopeVersion,
      events: r.et.map((t, i) => ({ timeUnixNano: t, name: r.en[i] ?? '', attributes: r.ea[i] ?? {} })),
      links: r.lt.map((t, i) => ({ traceId: t, spanId: r.ls[i] ?? '', traceState: r.lst[i] ?? '', attributes: r.la[i] ?? {} })),
    }));
  }

  async searchTraces(tenant: string, q: TraceQuery): Promise<TraceSummary[]> {
    const c: Fragment[] = [sql`${ident('tenant')} = ${param('String', tenant)}`, timeCondition(q.range)];
    if (q.service) c.push(sql`${ident('ServiceName')} = ${param('String', q.service)}`);
    if (q.operation) c.push(sql`${ident('SpanName')} = ${param('String', q.operation)}`);
    if (q.status) c.push(sql`${ident('StatusCode')} = ${param('String', q.status)}`);
    if (q.minDurationNano !== undefined) c.push(sql`${ident('Duration')} >= ${param('UInt64', q.minDurationNano)}`);
    if (q.maxDurationNano !== undefined) c.push(sql`${ident('Duration')} <= ${param('UInt64', q.maxDurationNano)}`);
    for (const f of q.attributes) c.push(attributeCondition(f, 'SpanAttributes'));
    const ids = await this.rows<{ TraceId: string }>(sql`
SELECT TraceId, max(Timestamp) AS last FROM ${this.table('spans')} WHERE ${all(c)}
GROUP BY TraceId ORDER BY last DESC LIMIT ${param('UInt32', q.limit)}`);
    if (ids.length === 0) return [];
    const rows = await this.rows<{ TraceId: string; s: string; e: string; n: string; errors: string; services: string[]; rs: string; rn: string; fs: string; fn: string }>(sql`
SELECT TraceId, toString(min(toUnixTimestamp64Nano(Timestamp))) AS s, toString(max(toUnixTimestamp64Nano(Timestamp) + Duration)) AS e, count() AS n,
  countIf(StatusCode = 'Error') AS errors, arraySort(groupUniqArray(ServiceName)) AS services,
  argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS rs, argMinIf(SpanName, Timestamp, ParentSpanId = '') AS rn,
  argMin(ServiceName, Timestamp) AS fs, argMin(SpanName, Timestamp) AS fn
FROM ${this.table('spans')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('TraceId')} IN ${param('Array(String)', ids.map((i) => i.TraceId))}
GROUP BY TraceId`);
    const byId = new Map(rows.map((r) => [r.TraceId, r]));
    return ids.flatMap(({ TraceId }) => {
      const r = byId.get(TraceId);
      if (!r) return [];
      const rooted = r.rn !== '' || r.rs !== '';
      return [{
        traceId: TraceId, startTimeUnixNano: r.s, durationNano: String(BigInt(r.e) - BigInt(r.s)), spanCount: Number(r.n), errorCount: Number(r.errors),
        services: r.services, rootService: rooted ? r.rs : r.fs, rootName: rooted ? r.rn : r.fn,
      }];
    });
  }

  async services(tenant: string, range: TimeRange): Promise<string[]> {
    const rows = await this.rows<{ ServiceName: string }>(sql`
SELECT DISTINCT ServiceName FROM ${this.table('spans')} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${timeCondition(range)} ORDER BY ServiceName`);
    return rows.map((r) => r.ServiceName);
  }

  async operations(tenant: string, service: string, range: TimeRange): Promise<{ name: string; kind: string }[]> {
    const rows = await this.rows<{ SpanName: string; SpanKind: string }>(sql`
SELECT DISTINCT SpanName, SpanKind FROM ${this.table('spans')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('ServiceName')} = ${param('String', service)} AND ${timeCondition(range)}
ORDER BY SpanName, SpanKind`);
    return rows.map((r) => ({ name: r.SpanName, kind: r.SpanKind }));
  }

  async dependencies(tenant: string, range: TimeRange): Promise<{ parent: string; child: string; callCount: number }[]> {
    // Parents may have started a little before the range: look an hour further back for them.
    const parents = { start: range.start - 3_600_000, end: range.end };
    const rows = await this.rows<{ parent: string; child: string; n: string }>(sql`
SELECT p.ServiceName AS parent, c.ServiceName AS child, count() AS n
FROM (SELECT TraceId, ParentSpanId, ServiceName FROM ${this.table('spans')} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${timeCondition(range)} AND ParentSpanId != '') AS c
INNER JOIN (SELECT TraceId, SpanId, ServiceName FROM ${this.table('spans')} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${timeCondition(parents)}) AS p
  ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
WHERE p.ServiceName != c.ServiceName
GROUP BY parent, child ORDER BY parent, child`);
    return rows.map((r) => ({ parent: r.parent, child: r.child, callCount: Number(r.n) }));
  }
}
