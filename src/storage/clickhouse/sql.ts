/**
 * The only way SQL text is built: a tagged template whose interpolations are typed parameters
 * (sent to ClickHouse as `{pN:Type}` query parameters, never pasted into the text), allow-listed
 * identifiers, or other fragments built the same way. There is no raw-string escape hatch.
 *
 * @example
 *   const q = sql`SELECT count() FROM ${table('samples')} WHERE tenant = ${param('String', t)}`;
 */

/** ClickHouse types a parameter may be declared as. */
export type ParamType =
  | 'String' | 'UInt8' | 'UInt32' | 'UInt64' | 'Int64' | 'Float64' | 'Date'
  | 'Array(String)' | 'Array(UInt64)';

export type ParamValue = string | number | bigint | readonly (string | number | bigint)[];

/** A finished statement: text with `{pN:Type}` placeholders plus their values. */
export interface Sql {
  readonly text: string;
  readonly params: Readonly<Record<string, ParamValue>>;
}

class Param {
  constructor(readonly type: ParamType, readonly value: ParamValue) {}
}
class Ident {
  constructor(readonly name: string) {}
}
class Int {
  constructor(readonly value: number) {}
}
export class Fragment {
  constructor(readonly parts: readonly string[], readonly values: readonly Interpolation[]) {}
}

export type Interpolation = Param | Ident | Int | Fragment;

/** A typed query parameter. */
export function param(type: ParamType, value: ParamValue): Param {
  // 64-bit integers travel as BigInt so no binder quotes them or rounds them through a double.
  if (type === 'Array(UInt64)' && Array.isArray(value)) return new Param(type, (value as readonly (string | number | bigint)[]).map((v) => BigInt(v)));
  if (type === 'UInt64' && typeof value === 'string') return new Param(type, BigInt(value));
  return new Param(type, value);
}

/** Every table, database and column name SQL may mention, and nothing else. */
const IDENTIFIERS = new Set([
  'samples', 'series', 'metadata', 'schema_migrations',
  'samples_local', 'series_local', 'metadata_local', 'schema_migrations_local',
  'tenant', 'metric_name', 'fingerprint', 'unix_milli', 'value', 'mantissa', 'decimals', 'flags', 'labels', 'day',
  'type', 'help', 'unit', 'updated_at', 'version', 'name', 'applied_at',
  'merge_selector_base',
  'alert_events', 'notification_log', 'alert_events_local', 'notification_log_local',
  'rule', 'rule_group', 'state', 'previous', 'active_at', 'source',
  'receiver', 'integration', 'group_key', 'status', 'fingerprints', 'rules', 'outcome', 'error', 'attempt',
  'logs', 'spans', 'trace_index', 'logs_local', 'spans_local', 'trace_index_local',
  'Timestamp', 'ObservedTimestamp', 'TraceId', 'SpanId', 'ParentSpanId', 'TraceState', 'TraceFlags', 'SeverityText', 'SeverityNumber',
  'ServiceName', 'Body', 'ResourceSchemaUrl', 'ResourceAttributes', 'ScopeSchemaUrl', 'ScopeName', 'ScopeVersion', 'ScopeAttributes',
  'LogAttributes', 'EventName', 'Truncated', 'Minute', 'SpanName', 'SpanKind', 'SpanAttributes', 'Duration', 'StatusCode', 'StatusMessage',
  'error_events', 'error_issues', 'error_events_local', 'error_issues_local',
  'events', 'person_ids', 'events_local', 'person_ids_local', 'DistinctId', 'AnonymousId', 'SessionId', 'Uuid', 'Properties', 'PersonProperties', 'Source', 'PersonId',
  'Project', 'EventId', 'Fingerprint', 'Title', 'Culprit', 'Level', 'Platform', 'Release', 'Environment', 'ServerName', 'Message',
  'ExceptionType', 'ExceptionValue', 'UserId', 'UserEmail', 'UserIp', 'UserName', 'Tags', 'Event', 'Status', 'ResolvedInRelease', 'UpdatedAt',
  'dashboards', 'dashboards_local', 'Id', 'Version', 'Spec', 'Deleted',
  'Events.Timestamp', 'Events.Name', 'Events.Attributes', 'Links.TraceId', 'Links.SpanId', 'Links.TraceState', 'Links.Attributes', 'Start', 'End',
]);
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** An allow-listed identifier (table or column), back-quoted. */
export function ident(name: string): Ident {
  if (!IDENTIFIERS.has(name)) throw new Error(`identifier not allowed in SQL: ${name}`);
  return new Ident(name);
}

/**
 * A safe integer written into the text, for the few places ClickHouse accepts no parameter
 * (DDL: TTL intervals, engine settings). Only integers from validated configuration belong here.
 */
export function int(value: number): Int {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return new Int(value);
}

/** A database or cluster name from validated configuration (pattern-checked, back-quoted). */
export function database(name: string): Ident {
  if (!DATABASE_NAME.test(name)) throw new Error(`invalid database or cluster name: ${name}`);
  return new Ident(name);
}

/** A composable SQL fragment; render it with `render()` or nest it in another `sql` template. */
export function sql(parts: TemplateStringsArray, ...values: Interpolation[]): Fragment {
  return new Fragment(parts, values);
}

/** Joins fragments with a separator fragment (e.g. sql` AND `). */
export function join(items: readonly Fragment[], separator: Fragment): Fragment {
  if (items.length === 0) return sql``;
  const parts: string[] = [''];
  const values: Interpolation[] = [];
  items.forEach((item, i) => {
    if (i > 0) {
      values.push(separator);
      parts.push('');
    }
    values.push(item);
    parts.push('');
  });
  return new Fragment(parts, values);
}

/** Renders a fragment into text plus numbered parameters. */
export function render(fragment: Fragment): Sql {
  const params: Record<string, ParamValue> = {};
  let n = 0;
  const walk = (f: Fragment): string => {
    let out = f.parts[0] ?? '';
    f.values.forEach((v, i) => {
      if (v instanceof Param) {
        const key = `p${n++}`;
        params[key] = v.value;
        out += `{${key}:${v.type}}`;
      } else if (v instanceof Ident) {
        out += `\`${v.name}\``;
      } else if (v instanceof Int) {
        out += String(v.value);
      } else {
        out += walk(v);
      }
      out += f.parts[i + 1] ?? '';
    });
    return out;
  };
  return { text: walk(fragment), params };
}
