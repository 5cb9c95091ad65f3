import { describe, expect, it } from 'vitest';
import { BlockBuilder, makeSeriesRef } from './block.js';
import { readBlock } from './block-read.js';
import { STALE_FLAG } from './interface.js';

describe('Native sample blocks', () => {
  it('round-trips times, values, flags and both dictionaries', () => {
    const b = new BlockBuilder(2);
    const a = makeSeriesRef('t1', 'up', [['job', 'x']]);
    const c = makeSeriesRef('t2', 'temp', []);
    const times = [0, -1, -(2 ** 32) - 5, 2 ** 52 + 3, Date.UTC(2026, 0, 1)];
    const values = [1, -2.5, 1 / 3, Number.NaN, -(2 ** 40) - 0.25];
    times.forEach((t, i) => { b.sample(i % 2 ? c : a, t, values[i]!, i === 3 ? STALE_FLAG : 0); });
    const block = b.finish();
    expect(block.sampleRows).toBe(5);
    const rows = readBlock(block).samples;
    expect(rows.map((r) => r.ts)).toEqual(times);
    expect(rows.map((r) => r.value)).toEqual(values);
    expect(rows.map((r) => r.tenant)).toEqual(['t1', 't2', 't1', 't2', 't1']);
    expect(rows.map((r) => r.metricName)).toEqual(['up', 'temp', 'up', 'temp', 'up']);
    expect(rows.map((r) => r.flags)).toEqual([0, 0, 0, STALE_FLAG, 0]);
    expect(rows[0]!.fingerprint).toBe(a.fingerprint);
  });

  it('widens the metric-name indexes past 256 and 65,536 names', () => {
    for (const names of [300, 70_000]) {
      const b = new BlockBuilder();
      for (let i = 0; i < names; i++) b.sample(makeSeriesRef('t', `n${i}`, []), i, i, 0);
      const rows = readBlock(b.finish()).samples;
      expect(rows).toHaveLength(names);
      expect(rows[names - 1]).toMatchObject({ metricName: `n${names - 1}`, value: names - 1, ts: names - 1 });
    }
  });

  it('reuses a series slot across blocks without mixing dictionaries', () => {
    const s = makeSeriesRef('t', 'a', []);
    const other = makeSeriesRef('t', 'b', []);
    const first = new BlockBuilder();
    first.sample(other, 1, 1, 0);
    first.sample(s, 1, 1, 0);
    const second = new BlockBuilder();
    second.sample(s, 2, 2, 0);
    expect(readBlock(first.finish()).samples.map((r) => r.metricName)).toEqual(['b', 'a']);
    expect(readBlock(second.finish()).samples.map((r) => r.metricName)).toEqual(['a']);
  });
});

describe('Native sample block memory', () => {
  it('hands a finished block\'s columns to the next block without sharing them', () => {
    const s = makeSeriesRef('t', 'a', []);
    const first = new BlockBuilder(4);
    for (let i = 0; i < 3; i++) first.sample(s, i, i, 0);
    const a = first.finish();
    expect(first.finish().samples).toBe(a.samples);
    expect(() => { first.sample(s, 10, 10, 0); }).toThrow(/finished block/);
    const second = new BlockBuilder(4);
    const third = new BlockBuilder(4);
    for (let i = 0; i < 40; i++) {
      second.sample(s, 100 + i, 100 + i, 0);
      third.sample(s, 200 + i, 200 + i, 0);
    }
    expect(readBlock(a).samples.map((r) => r.value)).toEqual([0, 1, 2]);
    expect(readBlock(second.finish()).samples.map((r) => r.value)).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
    expect(readBlock(third.finish()).samples.map((r) => r.value)).toEqual(Array.from({ length: 40 }, (_, i) => 200 + i));
  });
});
