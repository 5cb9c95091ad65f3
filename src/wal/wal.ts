import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncodedBlock } from '../storage/interface.js';
import { comparePositions, readCheckpoint, writeCheckpoint, type Checkpoint, type WalPosition } from './checkpoint.js';
import { decodeRecord, encodeRecord } from './record.js';

/** A durable record handed to the batcher: its block and where it ends in the WAL. */
export interface WalEntry {
  readonly block: EncodedBlock;
  readonly start: WalPosition;
  readonly end: WalPosition;
  readonly bytes: number;
}

export interface WalOptions {
  dir: string;
  /** A segment is closed and the next begun once it reaches this size. */
  segmentBytes: number;
  /** Called with entries in WAL order once they are on disk, before `append` resolves. */
  onDurable: (entries: WalEntry[]) => void;
  /** Warnings about skipped corrupt data. */
  warn: (msg: string) => void;
}

export interface ReplayResult {
  /** The interrupted batch, to be inserted again with its own token. */
  intent: { token: string; entries: WalEntry[]; to: WalPosition } | null;
  /** Everything else not yet stored, in order. */
  pending: WalEntry[];
}

interface Waiter {
  record: { pieces: Buffer[]; length: number };
  block: EncodedBlock;
  resolve: () => void;
  reject: (err: Error) => void;
}

const SEGMENT = /^(\d{10})\.wal$/;
const name = (n: number) => `${String(n).padStart(10, '0')}.wal`;

/**
 * Append-only write-ahead log in numbered segment files. `append` resolves only after the record
 * is written and fdatasync'd; concurrent appends share one write and one sync (group commit).
 * Segments wholly covered by the checkpoint's `done` position are deleted.
 */
export class Wal {
  private fh: FileHandle | undefined;
  private segment = 0;
  private offset = 0;
  private queue: Waiter[] = [];
  private writing = false;
  private closed = false;
  private checkpoint: Checkpoint;
  /** Bytes appended but not yet covered by `done`. */
  pendingBytes = 0;
  bytesWritten = 0;
  syncs = 0;

  constructor(private readonly opts: WalOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.checkpoint = readCheckpoint(opts.dir);
  }

  private segments(): number[] {
    return readdirSync(this.opts.dir).map((f) => SEGMENT.exec(f)?.[1]).filter((s) => s !== undefined).map(Number).sort((a, b) => a - b);
  }

  /**
   * Reads every record not yet stored. Call once, before `open`. A torn record at the end of a
   * segment (a crash mid-write; never acknowledged) is cut off.
   */
  replay(): ReplayResult {
    const { done, intent } = this.checkpoint;
    const result: ReplayResult = { intent: intent ? { token: intent.token, entries: [], to: intent.to } : null, pending: [] };
    for (const seg of this.segments()) {
      if (seg < done.segment) continue;
      const path = join(this.opts.dir, name(seg));
      const buf = readFileSync(path);
      let off = 0;
      while (off < buf.length) {
        const r = decodeRecord(buf, off);
        if (!r.ok) {
          // A torn tail (crash mid-write) was never acknowledged. Anything else is unexpected:
          // keep the cut-off bytes beside the segment for inspection instead of losing them.
          const torn = r.reason === 'short';
          const kept = torn ? '' : `${path}.corrupt-${off}`;
          if (!torn) writeFileSync(kept, buf.subarray(off));
          this.opts.warn(torn
            ? `WAL segment ${name(seg)}: torn record at byte ${off} of ${buf.length} (a write cut short by a crash, never acknowledged); cut off`
            : `WAL segment ${name(seg)}: ${r.reason === 'kind' ? 'record of an unknown kind (another version\'s format)' : 'checksum error'} at byte ${off} of ${buf.length}; the rest of the segment is cut off and kept in ${kept}`);
          truncateSync(path, off);
          break;
        }
        const start = { segment: seg, offset: off };
        const entry: WalEntry = { block: r.block, start, end: { segment: seg, offset: off + r.size }, bytes: r.size };
        off += r.size;
        if (comparePositions(entry.end, done) <= 0) continue;
        this.pendingBytes += entry.bytes;
        if (intent && result.intent && comparePositions(entry.end, intent.to) <= 0) result.intent.entries.push(entry);
        else result.pending.push(entry);
      }
    }
    return result;
  }

  /** Opens a fresh segment numbered after everything seen so far. */
  async open(): Promise<void> {
    const last = Math.max(0, ...this.segments(), this.checkpoint.done.segment);
    await this.rotate(last + 1);
  }

  private async rotate(next: number): Promise<void> {
    await this.fh?.close();
    this.segment = next;
    this.offset = 0;
    this.fh = await open(join(this.opts.dir, name(next)), 'a');
    const dh = await open(this.opts.dir, 'r');
    await dh.sync();
    await dh.close();
  }

  /** Appends a block; resolves once it is durable and handed to `onDurable`. */
  append(block: EncodedBlock): Promise<void> {
    if (this.closed) return Promise.reject(new Error('WAL is closed'));
    const record = encodeRecord(block);
    this.pendingBytes += record.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ record, block, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        if (this.offset >= this.opts.segmentBytes) await this.rotate(this.segment + 1);
        const fh = this.fh!;
        const entries: WalEntry[] = [];
        let off = this.offset;
        for (const w of group) {
          entries.push({ block: w.block, start: { segment: this.segment, offset: off }, end: { segment: this.segment, offset: off + w.record.length }, bytes: w.record.length });
          off += w.record.length;
        }
        await writeAll(fh, group.flatMap((w) => w.record.pieces));
        await fh.datasync();
        this.offset = off;
        this.bytesWritten += off - (entries[0]?.start.offset ?? off);
        this.syncs++;
        this.opts.onDurable(entries);
        for (const w of group) w.resolve();
      } catch (err) {
        for (const w of group) {
          this.pendingBytes -= w.record.length;
          w.reject(err as Error);
        }
        // A partial write may have left bytes behind: continue in a new segment so that torn
        // bytes can only ever be at the end of a segment, where replay cuts them off.
        await this.rotate(this.segment + 1).catch((e: unknown) => { this.opts.warn(`WAL rotate failed: ${(e as Error).message}`); });
      }
    }
    this.writing = false;
  }

  /** Records that a batch from `from` to `to` is about to be inserted with `token`. */
  async beginBatch(token: string, from: WalPosition, to: WalPosition): Promise<void> {
    this.checkpoint = { done: this.checkpoint.done, intent: { token, from, to } };
    await writeCheckpoint(this.opts.dir, this.checkpoint);
  }

  /**
   * Records that everything up to `to` is stored, and deletes the segments before the one `to`
   * is in (batches are stored in WAL order, so those are wholly stored; the segment holding `to`
   * goes at a later commit).
   */
  async commitBatch(to: WalPosition, bytes: number): Promise<void> {
    this.checkpoint = { done: to, intent: null };
    await writeCheckpoint(this.opts.dir, this.checkpoint);
    this.pendingBytes -= bytes;
    for (const seg of this.segments()) {
      if (seg < to.segment) await unlink(join(this.opts.dir, name(seg))).catch(() => undefined);
    }
  }

  /** Waits for queued appends, then closes the segment. */
  async close(): Promise<void> {
    while (this.writing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    this.closed = true;
    await this.fh?.close();
    this.fh = undefined;
  }
}

/** writev in slices below IOV_MAX, looping over short writes. */
async function writeAll(fh: FileHandle, buffers: Buffer[]): Promise<void> {
  for (let i = 0; i < buffers.length; i += 512) {
    let slice = buffers.slice(i, i + 512);
    for (;;) {
      const { bytesWritten } = await fh.writev(slice);
      const total = slice.reduce((n, b) => n + b.length, 0);
      if (bytesWritten === total) break;
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of slice) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      slice = rest;
    }
  }
}
