import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { checkInsertTarget, type BinaryInsert, type ChConnection, type ReadFormat } from './connection.js';
import type { Sql } from './sql.js';

export interface ServerOptions {
  url: string;
  username: string;
  password: string;
  /** Per-query max_memory_usage, bytes. */
  maxQueryMemoryBytes: number;
  /**
   * A custom connection for `@clickhouse/client` (tests pass `chdb/connection` so this code path
   * runs against embedded ClickHouse).
   */
  connection?: ClickHouseClientConfigOptions['connection'];
}

/** A ClickHouse server or cluster over HTTP through `@clickhouse/client`. */
export class ServerConnection implements ChConnection {
  private readonly client: ClickHouseClient;

  constructor(opts: ServerOptions) {
    this.client = createClient({
      url: opts.url,
      username: opts.username,
      password: opts.password,
      request_timeout: 300_000,
      clickhouse_settings: { max_memory_usage: String(opts.maxQueryMemoryBytes) },
      ...(opts.connection ? { connection: opts.connection } : {}),
    });
  }

  async command(q: Sql): Promise<void> {
    await this.client.command({ query: q.text, query_params: q.params });
  }

  async query(q: Sql, format: ReadFormat): Promise<Buffer> {
    const result = await this.client.exec({ query: `${q.text}\nFORMAT ${format}`, query_params: q.params });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async insertBinary({ table, columns, format, pieces, dedupToken }: BinaryInsert): Promise<void> {
    checkInsertTarget(table, columns);
    const result = await this.client.exec({
      query: `INSERT INTO ${table} (${columns.map((c) => `\`${c}\``).join(', ')}) FORMAT ${format}`,
      values: Readable.from(pieces, { objectMode: false }),
      clickhouse_settings: { insert_deduplication_token: dedupToken, insert_deduplicate: 1 },
    });
    result.stream.resume();
    await new Promise<void>((done, fail) => result.stream.on('end', done).on('error', fail));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
