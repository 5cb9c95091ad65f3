/**
 * Tables filled from ingest through the WAL besides the metrics tables: their rows travel as
 * RowBinary payloads in an EncodedBlock, keyed by table. The order of ROW_TABLES is their code in
 * WAL records: only ever append.
 */
export const ROW_TABLES = ['logs', 'spans', 'trace_index', 'error_events', 'events', 'person_ids'] as const;
export type RowTable = (typeof ROW_TABLES)[number];

/** The rows of one table in one block, RowBinary in the table's ROW_LAYOUT. */
export interface TablePayload {
  readonly table: RowTable;
  readonly rows: number;
  readonly data: Buffer;
}

/** Columns and their RowBinary types as written by ingest (LowCardinality and codecs are the table's business). */
export const ROW_LAYOUT: Readonly<Record<RowTable, readonly (readonly [string, string])[]>> = {
  logs: [
    ['tenant', 'String'], ['Timestamp', 'DateTime64(9)'], ['ObservedTimestamp', 'DateTime64(9)'], ['TraceId', 'String'], ['SpanId', 'String'],
    ['TraceFlags', 'UInt8'], ['SeverityText', 'String'], ['SeverityNumber', 'UInt8'], ['ServiceName', 'String'], ['Body', 'String'],
    ['ResourceSchemaUrl', 'String'], ['ResourceAttributes', 'Map(String, String)'], ['ScopeSchemaUrl', 'String'], ['ScopeName', 'String'],
    ['ScopeVersion', 'String'], ['ScopeAttributes', 'Map(String, String)'], ['LogAttributes', 'Map(String, String)'], ['EventName', 'String'],
    ['Truncated', 'UInt8'],
  ],
  spans: [
    ['tenant', 'String'], ['Timestamp', 'DateTime64(9)'], ['TraceId', 'String'], ['SpanId', 'String'], ['ParentSpanId', 'String'],
    ['TraceState', 'String'], ['SpanName', 'String'], ['SpanKind', 'String'], ['ServiceName', 'String'], ['ResourceAttributes', 'Map(String, String)'],
    ['ScopeName', 'String'], ['ScopeVersion', 'String'], ['SpanAttributes', 'Map(String, String)'], ['Duration', 'UInt64'],
    ['StatusCode', 'String'], ['StatusMessage', 'String'],
    ['Events.Timestamp', 'Array(DateTime64(9))'], ['Events.Name', 'Array(String)'], ['Events.Attributes', 'Array(Map(String, String))'],
    ['Links.TraceId', 'Array(String)'], ['Links.SpanId', 'Array(String)'], ['Links.TraceState', 'Array(String)'], ['Links.Attributes', 'Array(Map(String, String))'],
    ['Truncated', 'UInt8'],
  ],
  trace_index: [['tenant', 'String'], ['TraceId', 'String'], ['Start', 'DateTime64(9)'], ['End', 'DateTime64(9)']],
  error_events: [
    ['tenant', 'String'], ['Project', 'String'], ['Timestamp', 'DateTime64(3)'], ['EventId', 'String'], ['Fingerprint', 'String'], ['Title', 'String'],
    ['Culprit', 'String'], ['Level', 'String'], ['Platform', 'String'], ['Release', 'String'], ['Environment', 'String'], ['ServerName', 'String'],
    ['Message', 'String'], ['ExceptionType', 'String'], ['ExceptionValue', 'String'], ['UserId', 'String'], ['UserEmail', 'String'], ['UserIp', 'String'],
    ['UserName', 'String'], ['Tags', 'Map(String, String)'], ['Event', 'String'],
  ],
  events: [
    ['tenant', 'String'], ['Timestamp', 'DateTime64(3)'], ['Event', 'String'], ['DistinctId', 'String'], ['AnonymousId', 'String'],
    ['SessionId', 'String'], ['Uuid', 'String'], ['Properties', 'String'], ['PersonProperties', 'String'], ['Source', 'String'],
  ],
  person_ids: [['tenant', 'String'], ['DistinctId', 'String'], ['PersonId', 'String'], ['Properties', 'String'], ['UpdatedAt', 'DateTime64(3)']],
};

/** The `file()` structure of a table's payload. */
export function rowStructure(table: RowTable): string {
  return ROW_LAYOUT[table].map(([name, type]) => `\`${name}\` ${type}`).join(', ');
}
