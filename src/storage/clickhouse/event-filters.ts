import type { AttributeFilter, TimeRange } from '../interface.js';
import { ident, join, param, sql, type Fragment } from './sql.js';

/** The words of a text as the body index splits it (runs of letters and digits), lowercased. */
export function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** `Timestamp` within the range (ms, both ends inclusive). */
export function timeCondition(range: TimeRange): Fragment {
  return sql`${ident('Timestamp')} >= fromUnixTimestamp64Milli(${param('Int64', range.start)}) AND ${ident('Timestamp')} < fromUnixTimestamp64Milli(${param('Int64', range.end + 1)})`;
}

/**
 * A condition on an attribute map: `resource.<key>` reads ResourceAttributes, anything else
 * `own` (LogAttributes or SpanAttributes). Regexes are anchored like PromQL's.
 */
export function attributeCondition(f: AttributeFilter, own: 'LogAttributes' | 'SpanAttributes'): Fragment {
  const resource = f.key.startsWith('resource.');
  const map = ident(resource ? 'ResourceAttributes' : own);
  const key = param('String', resource ? f.key.slice('resource.'.length) : f.key);
  const value = sql`${map}[${key}]`;
  switch (f.op) {
    case '=':
      return sql`${value} = ${param('String', f.value)}`;
    case '!=':
      return sql`${value} != ${param('String', f.value)}`;
    case '=~':
      return sql`match(${value}, ${param('String', `^(?s:${f.value})$`)})`;
    case '!~':
      return sql`NOT match(${value}, ${param('String', `^(?s:${f.value})$`)})`;
    case 'exists':
      return sql`mapContains(${map}, ${key})`;
    case '!exists':
      return sql`NOT mapContains(${map}, ${key})`;
  }
}

/**
 * `column` is one of `values` (at least one). A single value is written as `=`: ClickHouse then
 * treats the column as fixed when reading in sorting-key order, and skips building a set
 * (newest 100 lines of one service at 1M lines: 7.1 → 6.2 ms in chDB).
 */
export function oneOf(column: Fragment, values: readonly string[]): Fragment {
  return values.length === 1 ? sql`${column} = ${param('String', values[0]!)}` : sql`${column} IN ${param('Array(String)', values)}`;
}

/** Conditions joined with AND (`1` when there are none). */
export function all(conditions: readonly Fragment[]): Fragment {
  return conditions.length === 0 ? sql`1` : join(conditions, sql` AND `);
}
