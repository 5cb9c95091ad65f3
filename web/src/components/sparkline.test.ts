import { describe, expect, it } from 'vitest';
import { fillBuckets } from './sparkline';

describe('fillBuckets', () => {
  it('places counts on a grid ending at the bucket holding the end time, zero elsewhere', () => {
    const h = 3_600_000;
    expect(fillBuckets([{ time: 10 * h, count: 2 }, { time: 8 * h, count: 5 }, { time: 1 * h, count: 9 }], h, 10 * h + 5, 4)).toEqual([0, 5, 0, 2]);
  });
});
