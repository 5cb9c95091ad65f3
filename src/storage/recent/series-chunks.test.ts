import { describe, expect, it } from 'vitest';
import { STALE_FLAG } from '../interface.js';
import { decimalsOf, POW10, RAW_DECIMALS } from '../value-encoding.js';
import { CHUNK_SAMPLES, SeriesChunks } from './series-chunks.js';

interface Sample { t: number; v: number; f: number }

/** Appends as storage would hand samples over: decimal mantissas where the value has one. */
function fill(chunks: SeriesChunks, samples: readonly Sample[], via: 'append' | 'insert' = 'append'): void {
  let hint = 0;
  for (const s of samples) {
    const d = decimalsOf(s.v, hint);
    if (d !== RAW_DECIMALS) hint = d;
    const m = d === RAW_DECIMALS ? s.v : Math.round(s.v * POW10[d]!);
    if (via === 'append') chunks.append(s.t, m, d, s.f);
    else chunks.insert(s.t, m, d, s.f);
  }
}

function expectRead(chunks: SeriesChunks, samples: readonly Sample[], start: number, end: number): void {
  const want = samples.filter((s) => s.t >= start && s.t <= end);
  const got = chunks.read(start, end);
  if (want.length === 0) {
    expect(got).toBeUndefined();
    return;
  }
  expect(got).toBeDefined();
  expect([...got!.timestamps]).toEqual(want.map((s) => s.t));
  expect([...got!.values]).toEqual(want.map((s) => s.v));
  expect([...got!.flags]).toEqual(want.map((s) => s.f));
}

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kinds: Record<string, (i: number, r: () => number) => Omit<Sample, 't'>> = {
  counter: (i) => ({ v: i * 7, f: 0 }),
  constant: () => ({ v: 42, f: 0 }),
  gauge2decimals: (_, r) => ({ v: Math.round(r() * 10_000) / 100, f: 0 }),
  randomDoubles: (_, r) => ({ v: r() * 1e6 - 5e5, f: 0 }),
  bigJumps: (i, r) => ({ v: i % 3 === 0 ? r() * 2 ** 50 : -i, f: 0 }),
  mixedScales: (i) => ({ v: i % 2 ? i / 10 : i / 1000, f: 0 }),
  specials: (i) => ({ v: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e300, 5e-324][i % 5]!, f: 0 }),
  staleMarkers: (i) => (i % 17 === 5 ? { v: Number.NaN, f: STALE_FLAG } : { v: i, f: 0 }),
};
const times: Record<string, (i: number, r: () => number) => number> = {
  regular: (i) => 1_700_000_000_000 + i * 15_000,
  jittered: (i, r) => 1_700_000_000_000 + i * 15_000 + Math.floor(r() * 200) - 100,
  gaps: (i, r) => 1_700_000_000_000 + i * 15_000 + (i > 200 ? 86_400_000 * 40 : 0) + Math.floor(r() * 3),
  negative: (i) => -5_000_000 + i * 1000,
};

describe('SeriesChunks', () => {
  for (const [kind, value] of Object.entries(kinds)) {
    for (const [timing, time] of Object.entries(times)) {
      it(`gives back exactly what it was given: ${kind} values, ${timing} times`, () => {
        const r = rng(kind.length * 31 + timing.length);
        const samples: Sample[] = [];
        let t = -Infinity;
        for (let i = 0; samples.length < 3 * CHUNK_SAMPLES + 17; i++) {
          const next = time(i, r);
          if (next <= t) continue;
          t = next;
          samples.push({ t, ...value(i, r) });
        }
        const chunks = new SeriesChunks();
        fill(chunks, samples);
        expect(chunks.lastT).toBe(t);
        expectRead(chunks, samples, -Infinity, Infinity);
        const at = (k: number) => samples[k]!.t;
        expectRead(chunks, samples, at(5), at(300));
        expectRead(chunks, samples, at(CHUNK_SAMPLES), at(CHUNK_SAMPLES));
        expectRead(chunks, samples, at(CHUNK_SAMPLES) + 1, at(2 * CHUNK_SAMPLES + 3) - 1);
        expectRead(chunks, samples, at(samples.length - 3), Infinity);
        expectRead(chunks, samples, t + 1, Infinity);
        expectRead(chunks, samples, -Infinity, at(0) - 1);
      });
    }
  }

  it('keeps regular integer samples in about two bytes each, doubles in over eight', () => {
    const chunks = new SeriesChunks();
    const n = 50 * CHUNK_SAMPLES;
    for (let i = 0; i < n; i++) chunks.append(1_700_000_000_000 + i * 15_000, i * 5, 0, 0);
    expect(chunks.bytes / n).toBeLessThan(2.5);
    const doubles = new SeriesChunks();
    for (let i = 0; i < n; i++) doubles.append(1_700_000_000_000 + i * 15_000, Math.PI * i, RAW_DECIMALS, 0);
    expect(doubles.bytes / n).toBeGreaterThan(8);
  });

  it('seals the open tail early when a sample is too far from its first for a 32-bit offset', () => {
    const t0 = 1_700_000_000_000;
    const samples: Sample[] = [t0, t0 + 1, t0 + 2 ** 31 - 1, t0 + 2 ** 31, t0 + 2 ** 31 + 15_000, t0 + 2 ** 40, t0 + 2 ** 40 + 1]
      .map((t, i) => ({ t, v: i * 1.5, f: 0 }));
    const chunks = new SeriesChunks();
    fill(chunks, samples);
    expectRead(chunks, samples, -Infinity, Infinity);
    expectRead(chunks, samples, t0 + 2, t0 + 2 ** 31);
    expect([...chunks.sealedEnds()].map(([t]) => t)).toEqual([t0 + 2 ** 31 - 1, t0 + 2 ** 31 + 15_000]);
  });

  it('inserts, replaces and ignores repeats of samples older than the newest', () => {
    const samples: Sample[] = Array.from({ length: 2 * CHUNK_SAMPLES + 40 }, (_, i) => ({ t: 1000 * (2 * i + 1), v: i / 4, f: 0 }));
    const chunks = new SeriesChunks();
    fill(chunks, samples.filter((_, i) => i % 3 !== 1));
    fill(chunks, samples.filter((_, i) => i % 3 === 1).reverse(), 'insert');
    expectRead(chunks, samples, -Infinity, Infinity);
    expect(chunks.insert(samples[7]!.t, samples[7]!.v * 100, 2, 0)).toBe(0);
    const newest = samples.at(-1)!;
    expect(chunks.insert(newest.t, newest.v * 100, 2, 0)).toBe(0);
    samples[7] = { t: samples[7]!.t, v: 99.5, f: 0 };
    fill(chunks, [samples[7]], 'insert');
    fill(chunks, [{ t: 0, v: -1, f: 0 }], 'insert');
    expectRead(chunks, [{ t: 0, v: -1, f: 0 }, ...samples], -Infinity, Infinity);
  });

  it('drops whole chunks older than a cutoff and keeps the rest readable', () => {
    const samples: Sample[] = Array.from({ length: 4 * CHUNK_SAMPLES + 10 }, (_, i) => ({ t: i * 10, v: i, f: 0 }));
    const chunks = new SeriesChunks();
    fill(chunks, samples);
    const before = chunks.bytes;
    const freed = chunks.dropBefore(samples[2 * CHUNK_SAMPLES + 5]!.t);
    expect(freed).toBeLessThan(0);
    expect(chunks.bytes).toBe(before + freed);
    expectRead(chunks, samples.slice(2 * CHUNK_SAMPLES), -Infinity, Infinity);
    chunks.dropBefore(Infinity);
    expect(chunks.empty).toBe(true);
    expect(chunks.read(-Infinity, Infinity)).toBeUndefined();
  });
});
