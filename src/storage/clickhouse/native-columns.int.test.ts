import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tmp.js';
import { ChdbConnection } from './connection-chdb.js';
import { readNativeColumns } from './native-columns.js';
import { render, sql } from './sql.js';

const dir = tempDir('native');
const conn = new ChdbConnection({ path: dir.path, maxServerMemoryBytes: 1 << 30, maxQueryMemoryBytes: 256 << 20 });

afterAll(async () => {
  await conn.close();
  dir.remove();
});

describe('readNativeColumns', () => {
  const q = render(sql`SELECT toUInt16(number % 3) AS i, toUInt32(number * 1000) AS t, number / 2 AS v, toUInt8(number % 2) AS flags FROM numbers(10) SETTINGS max_block_size = 3`);

  it('concatenates the blocks of a result into typed arrays', async () => {
    const { rows, columns } = readNativeColumns(await conn.query(q, 'Native'), { i: 'UInt16', t: 'UInt32', v: 'Float64', flags: 'UInt8' });
    expect(rows).toBe(10);
    expect(Array.from(columns.i)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    expect(Array.from(columns.t)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    expect(Array.from(columns.v)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(Array.from(columns.flags)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('names a column that is not the expected one, and a truncated result', async () => {
    const buf = await conn.query(q, 'Native');
    expect(() => readNativeColumns(buf, { i: 'UInt16', t: 'Float64', v: 'Float64', flags: 'UInt8' })).toThrow('Native column t UInt32, expected t Float64');
    for (const cut of [1, 4, 12]) expect(() => readNativeColumns(buf.subarray(0, buf.length - cut), { i: 'UInt16', t: 'UInt32', v: 'Float64', flags: 'UInt8' })).toThrow('Native result is truncated');
  });

  it('reads an empty result', async () => {
    const empty = await conn.query(render(sql`SELECT toUInt16(1) AS i FROM numbers(0)`), 'Native');
    expect(readNativeColumns(empty, { i: 'UInt16' }).rows).toBe(0);
  });
});
