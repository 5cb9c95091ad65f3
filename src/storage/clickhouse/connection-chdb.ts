import { mkdirSync, rmSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Session } from 'chdb';
import { checkInsertTarget, type BinaryInsert, type ChConnection, type ReadFormat } from './connection.js';
import type { Sql } from './sql.js';

export interface ChdbOptions {
  /** chDB keeps its databases here (created if missing). */
  path: string;
  /** chDB max_server_memory_usage, bytes. */
  maxServerMemoryBytes: number;
  /** Per-query max_memory_usage, bytes. */
  maxQueryMemoryBytes: number;
  /** Extra clickhouse-local server flags (tests use `--config-file=`). */
  extraServerArgs?: string[];
}

/**
 * Embedded ClickHouse through the `chdb` package. Memory is bounded through connectionArgs
 * (STORAGE.md §2.6). Binary inserts go through a file the engine reads with `file()`,
 * because chDB's raw insert API accepts only text formats.
 */
export class ChdbConnection implements ChConnection {
  private readonly session: Session;
  private readonly spoolDir: string;
  private spoolSeq = 0;

  constructor(opts: ChdbOptions) {
    const path = resolve(opts.path);
    mkdirSync(path, { recursive: true });
    this.spoolDir = join(path, 'spool');
    rmSync(this.spoolDir, { recursive: true, force: true });
    mkdirSync(this.spoolDir, { recursive: true });
    const mib = (n: number) => String(Math.max(1, Math.floor(n)));
    this.session = new Session(path, {
      connectionArgs: [
        `--max_memory_usage=${mib(opts.maxQueryMemoryBytes)}`,
        '--max_threads=2',
        '--input_format_parallel_parsing=0',
        '--max_insert_threads=1',
        '--',
        `--max_server_memory_usage=${mib(opts.maxServerMemoryBytes)}`,
        '--mark_cache_size=67108864',
        '--index_mark_cache_size=16777216',
        '--primary_index_cache_size=16777216',
        '--query_condition_cache_size=8388608',
        '--uncompressed_cache_size=0',
        '--text_index_postings_cache_size=16777216',
        '--text_index_tokens_cache_size=8388608',
        '--text_index_header_cache_size=8388608',
        '--compiled_expression_cache_size=16777216',
        '--merges_mutations_memory_usage_soft_limit=134217728',
        ...(opts.extraServerArgs ?? []),
      ],
    });
  }

  async command(q: Sql): Promise<void> {
    await this.session.queryBindAsync(q.text, q.params, { format: 'TabSeparated' });
  }

  async query(q: Sql, format: ReadFormat): Promise<Buffer> {
    const result = await this.session.queryBindAsync(q.text, q.params, { format });
    const bytes = result.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async insertBinary({ table, columns, structure, format, pieces, dedupToken }: BinaryInsert): Promise<void> {
    checkInsertTarget(table, columns);
    const file = join(this.spoolDir, `${process.pid}-${this.spoolSeq++}.bin`);
    const fh = await open(file, 'w');
    try {
      for (let i = 0; i < pieces.length; i += 512) await fh.writev(pieces.slice(i, i + 512));
    } finally {
      await fh.close();
    }
    try {
      await this.session.queryBindAsync(
        `INSERT INTO ${table} (${columns.map((c) => `\`${c}\``).join(', ')}) SETTINGS insert_deduplication_token = {token:String} SELECT * FROM file({file:String}, ${format}, {structure:String})`,
        { token: dedupToken, file, structure },
        { format: 'TabSeparated' },
      );
    } finally {
      await unlink(file).catch(() => undefined);
    }
    await this.purgeAllocator();
  }

  /**
   * Returns the pages the engine's allocator (jemalloc, dirty pages kept 5 s) holds after an
   * insert to the OS (STORAGE.md §2.6: most RSS above baseline is retained allocator memory).
   * Measured on `bench:ingest`: jemalloc's resident memory swung between 60 and 215 MiB while
   * only 45–90 MiB was allocated; purging after every insert instead of at most once a second
   * lowered peak RSS by 20–35 MiB for ~3% of CPU.
   */
  private async purgeAllocator(): Promise<void> {
    await this.session.queryAsync('SYSTEM JEMALLOC PURGE', { format: 'TabSeparated' }).catch(() => undefined);
  }

  close(): Promise<void> {
    this.session.close();
    return Promise.resolve();
  }
}
