import type { ChConnection } from './connection.js';
import { render, type Fragment } from './sql.js';

/** Rows of a JSONEachRow answer. The caller states their type: ClickHouse's JSON shapes (64-bit integers as strings). */
export function parseJsonRows<T>(buf: Buffer): T[] {
  const out: T[] = [];
  for (const line of buf.toString('utf8').split('\n')) if (line) out.push(JSON.parse(line) as T);
  return out;
}

/** Runs `q` and returns its rows as objects (JSONEachRow): for small answers, not sample reads. */
export async function jsonRows<T>(conn: ChConnection, q: Fragment): Promise<T[]> {
  return parseJsonRows<T>(await conn.query(render(q), 'JSONEachRow'));
}
