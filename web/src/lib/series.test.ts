import { describe, expect, it } from 'vitest';
import { alignMatrix, seriesLabel, stack } from './series';

describe('series', () => {
  it('labels a series as Prometheus writes it, labels sorted, name first', () => {
    expect(seriesLabel({ __name__: 'up', job: 'a', instance: 'x:1' })).toBe('up{instance="x:1", job="a"}');
    expect(seriesLabel({ code: '200' })).toBe('{code="200"}');
    expect(seriesLabel({})).toBe('{}');
  });

  it('aligns series on the union of their timestamps with gaps', () => {
    const a = alignMatrix([
      { metric: { __name__: 'a' }, values: [[10, '1'], [20, '2']] },
      { metric: { __name__: 'b' }, values: [[20, '5'], [30, 'NaN'], [40, '+Inf']] },
    ]);
    expect(a.times).toEqual([10, 20, 30, 40]);
    expect(a.series.map((s) => s.values)).toEqual([[1, 2, null, null], [null, 5, null, null]]);
  });

  it('stacks series as running sums, keeping gaps', () => {
    expect(stack([{ values: [1, null, 3] }, { values: [2, 4, null] }, { values: [1, 1, 1] }])).toEqual([[1, null, 3], [3, 4, null], [4, 5, 4]]);
  });
});
