import { describe, expect, it } from 'vitest';
import { BlockBuilder, makeSeriesRef } from './block.js';
import { decimalsOf, RAW_DECIMALS } from './value-encoding.js';
import { readBlock } from './block-read.js';

describe('decimal value encoding', () => {
  it('finds the fewest decimals that give back the exact double, preferring the hint', () => {
    expect(decimalsOf(42, 0)).toBe(0);
    expect(decimalsOf(50.12, 0)).toBe(2);
    expect(decimalsOf(50.1, 2)).toBe(2); // a series keeps its scale
    expect(decimalsOf(0.001, 0)).toBe(3);
    expect(decimalsOf(-7.5, 0)).toBe(1);
    expect(decimalsOf(Math.PI, 0)).toBe(15); // 3.141592653589793 is exactly 3141592653589793 / 10^15
  });

  it('keeps the IEEE bits when no decimal form is exact', () => {
    for (const v of [Number.NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 1 / 3, 2 ** 60, 1e-20, Number.MIN_VALUE]) {
      expect(decimalsOf(v, 0), String(v)).toBe(RAW_DECIMALS);
    }
  });

  it('round-trips every value bit for bit through a block', () => {
    const values = [0, 1, -1, 42, 50.12, 50.1, 1e15, 123456789.123, 0.1 + 0.2, Math.PI, -0, Number.NaN, Infinity, -Infinity, 2 ** 53, 1e-300, 5e-324];
    const b = new BlockBuilder();
    const ref = makeSeriesRef('t', 'm', []);
    values.forEach((v, i) => { b.sample(ref, i, v, 0); });
    const back = readBlock(b.finish()).samples.map((s) => s.value);
    values.forEach((v, i) => { expect(Object.is(back[i], v), `${v} came back as ${back[i]}`).toBe(true); });
  });
});
