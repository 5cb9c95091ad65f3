import type { Sql } from './sql.js';

/** Output formats the storage module reads. */
export type ReadFormat = 'JSONEachRow' | 'TabSeparated' | 'RowBinary' | 'Native';

/** Formats rows are inserted in. Each concatenates: many pieces make one valid payload. */
export type InsertFormat = 'RowBinary' | 'Native' | 'JSONEachRow';

/** One binary insert: rows in `format` (the concatenation of `pieces`) for `columns` of `table`. */
export interface BinaryInsert {
  /** A database-qualified, allow-listed name (see checkInsertTarget). */
  table: string;
  columns: readonly string[];
  /** The columns with their types, as `file()` wants them (chDB reads the payload from a file). */
  structure: string;
  format: InsertFormat;
  pieces: readonly Buffer[];
  /** Makes a retried insert of the same rows a no-op. */
  dedupToken: string;
}

/**
 * One ClickHouse connection as the storage module sees it. Two implementations: embedded chDB
 * and a ClickHouse server over HTTP. Statements arrive rendered by `sql.ts`; nothing else.
 */
export interface ChConnection {
  /** Runs a statement that returns nothing (DDL, INSERT … SELECT). */
  command(q: Sql): Promise<void>;
  /** Runs a query and returns the whole result in `format`. */
  query(q: Sql, format: ReadFormat): Promise<Buffer>;
  /** Inserts rows in a binary format. */
  insertBinary(insert: BinaryInsert): Promise<void>;
  /** Releases the connection; later calls fail. */
  close(): Promise<void>;
}

const QUALIFIED = /^`[A-Za-z_][A-Za-z0-9_]*`\.`[a-z_]+`$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Guards the insert target: a back-quoted `db`.`table` and plain (or Nested `a.b`) column names only. */
export function checkInsertTarget(table: string, columns: readonly string[]): void {
  if (!QUALIFIED.test(table) || !columns.every((c) => COLUMN.test(c))) throw new Error(`invalid insert target ${table} (${columns.join(', ')})`);
}
