import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.js';
import { Batcher } from '../batcher/batcher.js';
import { BlockBuilder, makeSeriesRef } from '../storage/block.js';
import { readBlock } from '../storage/block-read.js';
import type { EncodedBlock } from '../storage/interface.js';
import { Wal, type WalEntry } from './wal.js';

const dirs: { remove: () => void }[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

function block(values: number[]): EncodedBlock {
  const b = new BlockBuilder();
  const ref = makeSeriesRef('default', 'm', [['k', 'v']]);
  values.forEach((v, i) => { b.sample(ref, 1000 + i, v, 0); });
  return b.finish();
}

const values = (entries: WalEntry[]) => entries.flatMap((e) => readBlock(e.block).samples.map((s) => s.value));

function newWal(dir: string, onDurable: (e: WalEntry[]) => void = () => undefined, segmentBytes = 1 << 20) {
  return new Wal({ dir, segmentBytes, onDurable, warn: () => undefined });
}

/** A WAL in a fresh directory holding one record per block; returns its segment's path. */
async function walWith(blocks: number[][]): Promise<{ dir: string; path: string }> {
  const d = tempDir('wal');
  dirs.push(d);
  const wal = newWal(d.path);
  wal.replay();
  await wal.open();
  for (const b of blocks) await wal.append(block(b));
  await wal.close();
  const seg = readdirSync(d.path).find((f) => f.endsWith('.wal'))!;
  return { dir: d.path, path: join(d.path, seg) };
}

/** Replays `dir` in a new WAL; returns the pending values and the warnings. */
function replayed(dir: string): { pending: number[]; warnings: string[] } {
  const warnings: string[] = [];
  const wal = new Wal({ dir, segmentBytes: 1 << 20, onDurable: () => undefined, warn: (m) => warnings.push(m) });
  return { pending: values(wal.replay().pending), warnings };
}

describe('Wal', () => {
  it('replays every appended record after a restart', async () => {
    const d = tempDir('wal');
    dirs.push(d);
    const seen: WalEntry[] = [];
    const wal = newWal(d.path, (e) => seen.push(...e));
    wal.replay();
    await wal.open();
    await Promise.all([wal.append(block([1, 2])), wal.append(block([3])), wal.append(block([4]))]);
    expect(values(seen)).toEqual([1, 2, 3, 4]);
    expect(wal.syncs).toBeLessThanOrEqual(2); // concurrent appends share fsyncs
    const again = newWal(d.path);
    const r = again.replay();
    expect(r.intent).toBeNull();
    expect(values(r.pending)).toEqual([1, 2, 3, 4]);
    await wal.close();
  });

  it('cuts off a torn record at the end of a segment and keeps what came before', async () => {
    const { dir, path } = await walWith([[7]]);
    const size = statSync(path).size;
    appendFileSync(path, Buffer.from([50, 0, 0, 0, 1, 2, 3]));
    const { pending, warnings } = replayed(dir);
    expect(pending).toEqual([7]);
    expect(statSync(path).size).toBe(size);
    expect(warnings[0]).toMatch(/torn record/);
  });

  it('keeps a corrupt (not torn) tail beside the segment instead of dropping it', async () => {
    const { dir, path } = await walWith([[1], [2]]);
    const bytes = readFileSync(path);
    const second = bytes.length / 2;
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff; // flip bits inside the second record
    writeFileSync(path, bytes);
    const { pending, warnings } = replayed(dir);
    expect(pending).toEqual([1]);
    expect(warnings[0]).toMatch(/checksum error at byte/);
    expect(readFileSync(`${path}.corrupt-${second}`).length).toBe(second);
  });

  it('with the batcher: stores in order, deletes stored segments, and re-inserts an interrupted batch with its token', async () => {
    const d = tempDir('wal');
    dirs.push(d);
    const stored: { token: string; values: number[] }[] = [];
    let failNext = false;
    const storage = {
      write: (blocks: readonly EncodedBlock[], token: string) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('boom'));
        }
        stored.push({ token, values: blocks.flatMap((b) => readBlock(b).samples.map((s) => s.value)) });
        return Promise.resolve();
      },
    };
    const sink: WalEntry[][] = [];
    let deliver = (e: WalEntry[]) => { sink.push(e); };
    const wal = newWal(d.path, (e) => { deliver(e); }, 64);
    const batcher = new Batcher({ storage, log: wal, maxRows: 3, flushIntervalMs: 10 });
    deliver = (e) => { batcher.add(e); };
    wal.replay();
    await wal.open();
    failNext = true;
    for (let i = 0; i < 6; i++) await wal.append(block([i]));
    await batcher.flushAndStop();
    expect(stored.flatMap((s) => s.values)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(wal.pendingBytes).toBe(0);
    await wal.close();
    expect(readdirSync(d.path).filter((f) => f.endsWith('.wal')).length).toBe(1); // only the open segment survives

    // Simulate a crash between "intent" and "done": the replay re-sends the batch with the same token.
    const wal2 = newWal(d.path);
    wal2.replay();
    await wal2.open();
    await wal2.append(block([9]));
    const r0 = newWal(d.path).replay();
    await wal2.beginBatch('tok-crash', r0.pending[0]!.start, r0.pending[0]!.end);
    await wal2.close();
    const wal3 = newWal(d.path);
    const r = wal3.replay();
    expect(r.intent?.token).toBe('tok-crash');
    expect(values(r.intent!.entries)).toEqual([9]);
    expect(r.pending).toEqual([]);
    const b3 = new Batcher({ storage, log: wal3, maxRows: 3, flushIntervalMs: 10 });
    await wal3.open();
    await b3.recover(r.intent!);
    expect(stored.at(-1)).toEqual({ token: 'tok-crash', values: [9] });
    expect(newWal(d.path).replay()).toEqual({ intent: null, pending: [] });
  });
});
