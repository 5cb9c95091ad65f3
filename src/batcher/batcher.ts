import { randomUUID } from 'node:crypto';
import { blockRows, type BlockWriter } from '../storage/interface.js';
import type { WalEntry } from '../wal/wal.js';
import type { WalPosition } from '../wal/checkpoint.js';

/** What the batcher needs from the WAL: durable batch boundaries. */
export interface BatchLog {
  beginBatch(token: string, from: WalPosition, to: WalPosition): Promise<void>;
  commitBatch(to: WalPosition, bytes: number): Promise<void>;
}

export interface BatcherOptions {
  storage: BlockWriter;
  log: BatchLog;
  /** Sample rows per insert; a full batch is inserted at once. */
  maxRows: number;
  /** A partial batch waits at most this long, ms. */
  flushIntervalMs: number;
  /** A batch is also full at this many bytes (log and span rows are large; metrics rows small). */
  maxBytes?: number;
  /** Called after each insert (for self-metrics). */
  onInsert?: (rows: number, seconds: number) => void;
  /** Called when an insert fails; it is retried with the same token after a backoff. */
  onError?: (err: Error, attempt: number) => void;
}

/**
 * Turns durable WAL entries into large storage inserts, one at a time, in WAL order. Each batch
 * is announced in the WAL checkpoint with a dedup token before it is inserted and committed
 * after, so a crash at any point neither loses nor doubles rows.
 */
export class Batcher {
  private queue: WalEntry[] = [];
  private queuedRows = 0;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly bootId = randomUUID();
  private seq = 0;
  /** Consecutive failed inserts (0 when healthy). */
  failures = 0;
  lastError = '';

  constructor(private readonly opts: BatcherOptions) {}

  /** Entries not yet inserted (rows). */
  get backlogRows(): number {
    return this.queuedRows;
  }

  /** Adds durable entries (in WAL order). */
  add(entries: readonly WalEntry[]): void {
    for (const e of entries) {
      this.queue.push(e);
      this.queuedRows += blockRows(e.block);
      this.queuedBytes += e.bytes;
    }
    if (this.full()) this.kick();
    else this.timer ??= setTimeout(() => { this.timer = undefined; this.kick(); }, this.opts.flushIntervalMs);
  }

  /** Re-inserts a batch that was interrupted by a crash, with its original token. */
  async recover(intent: { token: string; entries: WalEntry[]; to: WalPosition }): Promise<void> {
    if (intent.entries.length > 0 && !(await this.insertWithRetry(intent.token, intent.entries, intent.to))) {
      throw new Error(`could not store the interrupted WAL batch: ${this.lastError}`);
    }
  }

  private kick(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0 && (this.full() || this.stopping)) this.kick();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => { this.timer = undefined; this.kick(); }, this.opts.flushIntervalMs);
    });
  }

  private full(): boolean {
    return this.queuedRows >= this.opts.maxRows || this.queuedBytes >= (this.opts.maxBytes ?? Infinity);
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      let rows = 0;
      let bytes = 0;
      let n = 0;
      while (n < this.queue.length && (n === 0 || (rows < this.opts.maxRows && bytes < (this.opts.maxBytes ?? Infinity)))) {
        rows += blockRows(this.queue[n]!.block);
        bytes += this.queue[n]!.bytes;
        n++;
      }
      const entries = this.queue.slice(0, n);
      const token = `${this.bootId}-${this.seq++}`;
      await this.opts.log.beginBatch(token, entries[0]!.start, entries.at(-1)!.end);
      if (!(await this.insertWithRetry(token, entries, entries.at(-1)!.end))) return;
      this.queue = this.queue.slice(n);
      this.queuedRows -= rows;
      this.queuedBytes -= bytes;
      if (!this.stopping && !this.full()) return;
    }
  }

  /** Inserts until it succeeds; false if it gave up while stopping (the rows stay in the WAL). */
  private async insertWithRetry(token: string, entries: WalEntry[], to: WalPosition): Promise<boolean> {
    const blocks = entries.map((e) => e.block);
    const sampleRows = blocks.reduce((n, b) => n + b.sampleRows, 0);
    for (let attempt = 1; ; attempt++) {
      if (this.stopping && attempt > 3) return false;
      const t0 = performance.now();
      try {
        await this.opts.storage.write(blocks, token);
        this.opts.onInsert?.(sampleRows, (performance.now() - t0) / 1000);
        this.failures = 0;
        break;
      } catch (err) {
        this.failures++;
        this.lastError = (err as Error).message;
        this.opts.onError?.(err as Error, attempt);
        await new Promise((r) => setTimeout(r, Math.min(30_000, 100 * 2 ** Math.min(attempt, 9))));
      }
    }
    await this.opts.log.commitBatch(to, entries.reduce((n, e) => n + e.bytes, 0));
    return true;
  }

  /** Inserts everything queued, then stops. */
  async flushAndStop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 || this.running) {
      if (!this.running) this.kick();
      const before = this.queue.length;
      await this.running;
      if (this.queue.length === before && this.failures > 0) return; // gave up: rows stay in the WAL
    }
  }
}
