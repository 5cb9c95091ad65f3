import { describe, expect, it } from 'vitest';
import { keyColor, toBars } from './bar-chart';

describe('toBars', () => {
  it('places buckets on a full grid over the range, one layer per key, empty buckets zero', () => {
    const bars = toBars([
      { time: 60_000, key: 'INFO', count: 3 },
      { time: 180_000, key: 'ERROR', count: 1 },
      { time: 180_000, key: 'INFO', count: 2 },
      { time: 999_000_000, key: 'INFO', count: 9 },
    ], 60, 30, 240);
    expect(bars.times).toEqual([0, 60, 120, 180]);
    expect(bars.layers).toEqual([{ key: 'ERROR', counts: [0, 0, 0, 1] }, { key: 'INFO', counts: [0, 3, 0, 2] }]);
  });

  it('colours severities by meaning', () => {
    expect(keyColor('ERROR', 0)).toBe('#e5534b');
    expect(keyColor('Warning', 3)).toBe('#d29922');
  });
});
