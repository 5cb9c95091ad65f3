import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../storage/interface.js';
import { waterfall } from './waterfall.js';

const span = (spanId: string, parentSpanId: string, start: number, duration: number, serviceName = 'api'): SpanRecord => ({
  traceId: 't', spanId, parentSpanId, traceState: '', name: spanId, kind: 'Server', serviceName, startTimeUnixNano: String(1_000_000 + start), durationNano: String(duration),
  statusCode: 'Unset', statusMessage: '', attributes: {}, resourceAttributes: {}, scopeName: '', scopeVersion: '', events: [], links: [],
});

describe('waterfall', () => {
  it('builds the tree, offsets, depths and the critical path', () => {
    // root 0–100: a 10–40, b 20–90 (b's child c 30–80), d 92–98; e's parent is missing.
    const w = waterfall('t', [span('c', 'b', 30, 50, 'db'), span('root', '', 0, 100), span('a', 'root', 10, 30), span('b', 'root', 20, 70), span('d', 'root', 92, 6), span('e', 'gone', 50, 5)]);
    expect(w.durationNano).toBe('100');
    expect(w.services).toEqual(['api', 'db']);
    expect(w.spans.map((s) => `${s.spanId}@${s.offsetNano}/${s.depth}${s.critical ? '*' : ''}${s.orphan ? '?' : ''}`)).toEqual([
      'root@0/0*', 'a@10/1*', 'b@20/1*', 'c@30/2*', 'd@92/1*', 'e@50/0?',
    ]);
    expect(w.spans[0]!.children).toEqual(['a', 'b', 'd']);
  });

  it('leaves off the critical path a child hidden behind a later one', () => {
    // root 0–100: y 20–95 finished last; x 30–50 ran entirely while y ran, so it did not hold anything up.
    const w = waterfall('t', [span('root', '', 0, 100), span('x', 'root', 30, 20), span('y', 'root', 20, 75)]);
    expect(w.spans.filter((s) => s.critical).map((s) => s.spanId)).toEqual(['root', 'y']);
  });

  it('is empty for no spans', () => {
    expect(waterfall('t', [])).toEqual({ traceId: 't', startTimeUnixNano: '0', durationNano: '0', services: [], spans: [] });
  });
});
