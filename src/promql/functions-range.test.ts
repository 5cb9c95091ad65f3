import { describe, expect, it } from 'vitest';
import { RANGE_FUNCTIONS, SeriesMemo, SWEEPS, type Window } from './functions-range.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A series of `n` samples: regular or jittered times, counters with resets or gauges, some starting at zero. */
function series(seed: number, n: number): { t: Float64Array; v: Float64Array } {
  const r = rng(seed);
  const jitter = seed % 3 === 0 ? 0 : seed % 3 === 1 ? 500 : 7000;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let x = seed % 4 === 0 ? 0 : r() * 1000;
  for (let i = 0; i < n; i++) {
    t[i] = 1_700_000_000_000 + i * 15_000 + Math.round(r() * jitter);
    if (seed % 5 === 0) x = (r() - 0.5) * 100;
    else x = r() < 0.02 ? r() * 5 : x + Math.floor(r() * 10);
    v[i] = x;
  }
  return { t, v };
}

describe('rate, increase and delta over every step at once', () => {
  it('give exactly what the window-by-window functions give (regular and jittered scrapes, resets, counters from zero)', () => {
    const memo = new SeriesMemo();
    for (const func of ['rate', 'increase', 'delta']) {
      for (let seed = 0; seed < 30; seed++) {
        const { t, v } = series(seed, 400);
        const rangeMs = seed % 2 ? 300_000 : 60_000;
        const offsetMs = seed % 4 === 1 ? 45_000 : 0;
        const steps = Array.from({ length: 380 }, (_, i) => t[0]! + 60_000 + i * 15_000);
        const values = new Float64Array(steps.length);
        const flags = new Uint8Array(steps.length);
        const sums = Float64Array.from(steps, (_, i) => i * 0.5);
        const counts = Float64Array.from(steps, (_, i) => i % 3);
        memo.clear();
        SWEEPS[func]!(t, v, memo, steps, offsetMs, rangeMs, false, values, flags, new Float64Array(0));
        SWEEPS[func]!(t, v, memo, steps, offsetMs, rangeMs, true, sums, new Uint8Array(0), counts);
        const one = new SeriesMemo();
        for (let i = 0, lo = 0, hi = 0; i < steps.length; i++) {
          // The window [end - range, end], closed at both ends as in Prometheus 2.x.
          const end = steps[i]! - offsetMs;
          while (lo < t.length && t[lo]! < end - rangeMs) lo++;
          if (hi < lo) hi = lo;
          while (hi < t.length && t[hi]! <= end) hi++;
          const w: Window = { t, v, from: lo, to: hi, rangeStart: end - rangeMs, rangeEnd: end, rangeMs, memo: one };
          const want = RANGE_FUNCTIONS[func]!(w, []);
          const at = `${func} seed ${seed} step ${i}`;
          expect(flags[i], at).toBe(want === undefined ? 0 : 1);
          expect(counts[i], at).toBe((i % 3) + (want === undefined ? 0 : 1));
          if (want === undefined) continue;
          expect(Object.is(values[i], want), `${at}: ${values[i]} vs ${want}`).toBe(true);
          expect(sums[i], at).toBe(i * 0.5 + want);
        }
      }
    }
  });
});
