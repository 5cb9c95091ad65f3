import { describe, expect, it } from 'vitest';
import { astJson } from './ast-json.js';
import { parse } from './parse.js';

describe('astJson (parse_query)', () => {
  it('renders selectors, functions and aggregations like Prometheus', () => {
    expect(astJson(parse('sum without (instance) (rate(http_requests_total{job="api"}[5m] offset 1m))'))).toEqual({
      type: 'aggregation', op: 'sum', param: null, grouping: ['instance'], without: true,
      expr: {
        type: 'call',
        func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
        args: [{
          type: 'matrixSelector', name: 'http_requests_total', range: 300_000, offset: 60_000, timestamp: null, startOrEnd: null,
          matchers: [{ name: 'job', value: 'api', type: '=' }, { name: '__name__', value: 'http_requests_total', type: '=' }],
        }],
      },
    });
  });

  it('renders binary matching, literals, subqueries and @', () => {
    const tree = astJson(parse('a / on (job) group_left (team) b')) as Record<string, unknown>;
    expect(tree).toMatchObject({ type: 'binaryExpr', op: '/', bool: false, matching: { card: 'many-to-one', on: true, labels: ['job'], include: ['team'] } });
    expect(astJson(parse('1e-7'))).toEqual({ type: 'numberLiteral', val: '0.0000001' });
    expect(astJson(parse('-(x)'))).toMatchObject({ type: 'unaryExpr', op: '-', expr: { type: 'parenExpr' } });
    expect(astJson(parse('max_over_time(x[1h:5m] @ end())'))).toMatchObject({ args: [{ type: 'subquery', range: 3_600_000, step: 300_000, offset: 0, startOrEnd: 'end', timestamp: null }] });
    expect(astJson(parse('x @ 100'))).toMatchObject({ type: 'vectorSelector', timestamp: 100_000, startOrEnd: null });
    expect(astJson(parse('label_join(x, "a", ",", "b")'))).toMatchObject({ func: { variadic: -1, argTypes: ['vector', 'string', 'string', 'string'] } });
  });
});
