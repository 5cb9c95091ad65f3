import { describe, expect, it } from 'vitest';
import { BlockBuilder, makeSeriesRef } from '../block.js';
import { STALE_FLAG } from '../interface.js';
import { fingerprintHalves, RecentSamples } from './recent-samples.js';

const T0 = 1_700_000_000_000;

function read(recent: RecentSamples, tenant: string, fp: string, start = -Infinity, end = Infinity) {
  const [lo, hi] = fingerprintHalves(fp);
  const s = recent.read(tenant, lo, hi, { start, end });
  return s && { t: [...s.timestamps], v: [...s.values], f: [...s.flags] };
}

describe('RecentSamples', () => {
  it('keeps every series of every tenant apart, across blocks, and reads ranges back', () => {
    const refs = Array.from({ length: 300 }, (_, i) => makeSeriesRef(i % 2 ? 'a' : 'b', 'm', [['i', String(i)]]));
    const recent = new RecentSamples(64 << 20);
    recent.coverFrom(T0);
    for (let step = 0; step < 200; step++) {
      const b = new BlockBuilder();
      for (const [i, ref] of refs.entries()) {
        if (step === 150 && i === 7) b.sample(ref, T0 + step * 15_000, Number.NaN, STALE_FLAG);
        else b.sample(ref, T0 + step * 15_000, i * 1000 + step + (i % 3 === 0 ? 0.25 : 0), 0);
      }
      recent.append([b.finish().samples], `token-${step}`);
    }
    expect(recent.stats.series).toBe(300);
    const seven = read(recent, 'a', refs[7]!.fingerprint)!;
    expect(seven.t).toHaveLength(200);
    expect(seven.v[10]).toBe(7010);
    expect(seven.v[150]).toBeNaN();
    expect(seven.f[150]).toBe(STALE_FLAG);
    expect(read(recent, 'a', refs[9]!.fingerprint, T0 + 15_000, T0 + 30_000)).toEqual({ t: [T0 + 15_000, T0 + 30_000], v: [9001.25, 9002.25], f: [0, 0] });
    expect(read(recent, 'b', refs[7]!.fingerprint)).toBeUndefined();
    expect(read(recent, 'a', refs[9]!.fingerprint, T0 + 200 * 15_000, Infinity)).toBeUndefined();
    expect(recent.covers({ start: T0, end: T0 + 1 })).toBe(true);
    expect(recent.covers({ start: T0 - 1, end: T0 + 1 })).toBe(false);
  });

  it('covers nothing until told what storage held before, and appends a retried write once', () => {
    const recent = new RecentSamples(1 << 20);
    expect(recent.covers({ start: 0, end: 1 })).toBe(false);
    const ref = makeSeriesRef('t', 'm', []);
    const b = new BlockBuilder();
    b.sample(ref, T0, 1, 0);
    b.sample(ref, T0 + 1000, 2, 0);
    const samples = b.finish().samples;
    recent.append([samples], 'x');
    recent.append([samples], 'x');
    expect(read(recent, 't', ref.fingerprint)?.v).toEqual([1, 2]);
    recent.coverFrom(Number.NEGATIVE_INFINITY);
    expect(recent.covers({ start: 0, end: 1 })).toBe(true);
  });

  it('evicts the oldest chunks past its budget and stops covering what it dropped', () => {
    const refs = Array.from({ length: 50 }, (_, i) => makeSeriesRef('t', 'm', [['i', String(i)]]));
    const budget = 200_000;
    const recent = new RecentSamples(budget);
    recent.coverFrom(Number.NEGATIVE_INFINITY);
    for (let step = 0; step < 3000; step++) {
      const b = new BlockBuilder();
      for (const ref of refs) b.sample(ref, T0 + step * 1000, Math.PI * step, 0);
      recent.append([b.finish().samples], `t${step}`);
      expect(recent.stats.bytes).toBeLessThanOrEqual(budget + 50 * 3000);
    }
    const from = recent.stats.coveredFrom;
    expect(from).toBeGreaterThan(T0);
    expect(recent.covers({ start: from, end: T0 + 3_000_000 })).toBe(true);
    expect(recent.covers({ start: from - 1, end: T0 + 3_000_000 })).toBe(false);
    const kept = read(recent, 't', refs[3]!.fingerprint, from, Infinity)!;
    expect(kept.t[0]! - from).toBeGreaterThanOrEqual(0);
    expect(kept.t[0]! - from).toBeLessThan(1000);
    expect(kept.t.at(-1)).toBe(T0 + 2_999_000);
    expect(kept.v.at(-1)).toBe(Math.PI * 2999);
  });

  it('starts over after the newest sample when open tails alone fill the budget', () => {
    const recent = new RecentSamples(100_000);
    recent.coverFrom(Number.NEGATIVE_INFINITY);
    const b = new BlockBuilder();
    for (let i = 0; i < 1000; i++) b.sample(makeSeriesRef('t', 'm', [['i', String(i)]]), T0 + i, i, 0);
    recent.append([b.finish().samples], 'one');
    expect(recent.stats).toEqual({ bytes: 0, series: 0, coveredFrom: T0 + 1000 });
  });

  it('drops what is past the retention, as ClickHouse does, and stops covering it', () => {
    const recent = new RecentSamples(64 << 20, 3_600_000);
    recent.coverFrom(Number.NEGATIVE_INFINITY);
    const now = Date.now();
    const old = makeSeriesRef('t', 'm', [['age', 'old']]);
    const young = makeSeriesRef('t', 'm', [['age', 'young']]);
    const b = new BlockBuilder();
    for (let i = 0; i < 300; i++) b.sample(old, now - 5 * 3_600_000 + i * 1000, i, 0);
    for (let i = 0; i < 300; i++) b.sample(young, now - 600_000 + i * 1000, i, 0);
    recent.append([b.finish().samples], 'one');
    expect(recent.stats.series).toBe(1);
    expect(recent.stats.coveredFrom).toBeGreaterThanOrEqual(now - 3_600_000);
    expect(read(recent, 't', old.fingerprint)).toBeUndefined();
    expect(read(recent, 't', young.fingerprint)?.t).toHaveLength(300);
  });
});

