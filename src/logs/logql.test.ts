import { describe, expect, it } from 'vitest';
import { parseLogql, parseStreamSelector } from './logql.js';

describe('LogQL parser', () => {
  it('reads log queries: selector, line filters, parsers and label filters', () => {
    expect(parseLogql('{app="shop", env=~"prod|staging"} |= "error" != `timeout` |~ "code=5\\\\d\\\\d" | json | level="error" | status >= 500 | latency > 250ms')).toEqual({
      kind: 'log',
      selector: [{ name: 'app', op: '=', value: 'shop' }, { name: 'env', op: '=~', value: 'prod|staging' }],
      stages: [
        { kind: 'line', op: '|=', value: 'error' },
        { kind: 'line', op: '!=', value: 'timeout' },
        { kind: 'line', op: '|~', value: 'code=5\\d\\d' },
        { kind: 'parser', parser: 'json' },
        { kind: 'label', name: 'level', op: '=', value: 'error' },
        { kind: 'compare', name: 'status', op: '>=', value: 500 },
        { kind: 'compare', name: 'latency', op: '>', value: 0.25 },
      ],
    });
  });

  it('reads metric queries with grouping before or after', () => {
    expect(parseLogql('sum by (level) (count_over_time({app="shop"} | logfmt [5m]))')).toEqual({
      kind: 'agg', op: 'sum', by: ['level'],
      inner: { kind: 'range', fn: 'count_over_time', rangeMs: 300_000, log: { kind: 'log', selector: [{ name: 'app', op: '=', value: 'shop' }], stages: [{ kind: 'parser', parser: 'logfmt' }] } },
    });
    expect(parseLogql('sum(rate({app="shop"}[1m])) without (pod)')).toMatchObject({ kind: 'agg', op: 'sum', without: ['pod'], inner: { kind: 'range', fn: 'rate', rangeMs: 60_000 } });
  });

  it('refuses what it does not understand, naming the place', () => {
    expect(() => parseLogql('{app="x"')).toThrow('expected , or } at the end');
    expect(() => parseLogql('{app=~".*"}')).toThrow('at least one matcher that does not match the empty string');
    expect(() => parseLogql('quantile_over_time(0.5, {a="b"} | unwrap x [1m])')).toThrow('unknown function or aggregation "quantile_over_time"');
    expect(() => parseLogql('{a="b"} |~ "("')).toThrow('invalid regular expression');
    expect(() => parseLogql('{a="b"} extra')).toThrow('unexpected at 9 ("extra")');
  });

  it('reads push label strings', () => {
    expect(parseStreamSelector('{level="info",app="shop", msg="say \\"hi\\""}')).toEqual([
      { name: 'level', op: '=', value: 'info' }, { name: 'app', op: '=', value: 'shop' }, { name: 'msg', op: '=', value: 'say "hi"' },
    ]);
  });
});
