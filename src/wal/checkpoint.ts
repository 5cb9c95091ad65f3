import { readFileSync } from 'node:fs';
import { open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A place in the WAL: byte `offset` within segment number `segment`. */
export interface WalPosition {
  readonly segment: number;
  readonly offset: number;
}

/**
 * What the batcher has stored. `done`: every record that ends at or before this position is in
 * storage. `intent`: a batch that was being inserted (records from `from` up to `to`, with its
 * dedup token); after a crash it is inserted again with the same token, which stores nothing
 * twice.
 */
export interface Checkpoint {
  done: WalPosition;
  intent: { token: string; from: WalPosition; to: WalPosition } | null;
}

const FILE = 'checkpoint.json';

export function readCheckpoint(dir: string): Checkpoint {
  try {
    return JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as Checkpoint;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { done: { segment: 0, offset: 0 }, intent: null };
    throw new Error(`WAL checkpoint ${join(dir, FILE)} is unreadable: ${(err as Error).message}`);
  }
}

/** Replaces the checkpoint atomically and durably (write, fsync, rename, fsync directory). */
export async function writeCheckpoint(dir: string, cp: Checkpoint): Promise<void> {
  const tmp = join(dir, `${FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(cp));
  const fh = await open(tmp, 'r+');
  await fh.sync();
  await fh.close();
  await rename(tmp, join(dir, FILE));
  const dh = await open(dir, 'r');
  await dh.sync();
  await dh.close();
}

export function comparePositions(a: WalPosition, b: WalPosition): number {
  return a.segment - b.segment || a.offset - b.offset;
}
