import { describe, expect, it } from 'vitest';
import { BlockBuilder, makeSeriesRef } from '../storage/block.js';
import { decodeRecord, encodeRecord } from './record.js';

describe('WAL record', () => {
  it('round-trips blocks, including empty pieces without backing memory', () => {
    const b = new BlockBuilder();
    b.sample(makeSeriesRef('t', 'm', []), 1, 2, 0);
    const block = b.finish();
    // An empty buffer whose ArrayBuffer was detached-and-received, as after a worker transfer.
    const empty = Buffer.from(structuredClone(new ArrayBuffer(0), { transfer: [] }));
    for (const variant of [block, { ...block, series: empty, metadata: empty }]) {
      const rec = encodeRecord(variant);
      const decoded = decodeRecord(Buffer.concat(rec.pieces), 0);
      expect(decoded.ok).toBe(true);
      if (decoded.ok) expect(decoded.block.samples.equals(block.samples)).toBe(true);
    }
  });

  it('detects corruption and truncation', () => {
    const b = new BlockBuilder();
    b.sample(makeSeriesRef('t', 'm', []), 1, 2, 0);
    const buf = Buffer.concat(encodeRecord(b.finish()).pieces);
    const bad = Buffer.from(buf);
    bad[bad.length - 3] = bad[bad.length - 3]! ^ 0xff;
    expect(decodeRecord(bad, 0)).toEqual({ ok: false, reason: 'checksum' });
    expect(decodeRecord(buf.subarray(0, buf.length - 1), 0)).toEqual({ ok: false, reason: 'short' });
  });

  it('round-trips blocks with rows of other tables', () => {
    const b = new BlockBuilder();
    b.sample(makeSeriesRef('t', 'm', []), 1, 2, 0);
    const payloads = [{ table: 'logs' as const, rows: 2, data: Buffer.from('log rows') }, { table: 'trace_index' as const, rows: 1, data: Buffer.from('idx') }];
    const block = { ...b.finish(), payloads };
    const buf = Buffer.concat(encodeRecord(block).pieces);
    const decoded = decodeRecord(buf, 0);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.size).toBe(buf.length);
    expect(decoded.block.samples.equals(block.samples)).toBe(true);
    expect(decoded.block.payloads!.map((p) => [p.table, p.rows, p.data.toString()])).toEqual([['logs', 2, 'log rows'], ['trace_index', 1, 'idx']]);
    const bad = Buffer.from(buf);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(decodeRecord(bad, 0)).toEqual({ ok: false, reason: 'checksum' });
  });
});
