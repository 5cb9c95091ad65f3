import { describe, expect, it } from 'vitest';
import { evaluate } from './engine.js';
import { parse } from './parse.js';
import { memorySelect, TEST_LIMITS } from './promqltest/runner.js';

const store = [{ labels: { __name__: 'x' }, t: [0, 60_000], v: [1, 2], f: [0, 0] }];

// Plain selectors load first; the aggregations are streamed: both kinds of reading are bounded.
const queries = ['x', 'sum(x)', 'topk(1, rate(x[5m]))'];

describe('query limits in the engine', () => {
  it('stops when the client went away, and at the deadline', async () => {
    const gone = new AbortController();
    gone.abort();
    for (const q of queries) {
      await expect(evaluate(parse(q), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() + 60_000, signal: gone.signal }), q)
        .rejects.toMatchObject({ type: 'canceled' });
      await expect(evaluate(parse(q), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() - 1 }), q)
        .rejects.toMatchObject({ type: 'timeout' });
    }
  });

  it('refuses to load more samples or series than allowed', async () => {
    for (const q of queries) {
      await expect(evaluate(parse(q), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, maxSamples: 1, deadline: Date.now() + 60_000 }), q)
        .rejects.toMatchObject({ type: 'execution', limit: true });
      await expect(evaluate(parse(q), { start: 0, end: 60_000, step: 60_000 }, memorySelect([...store, { ...store[0]!, labels: { __name__: 'x', i: '2' } }]), { ...TEST_LIMITS, maxSeries: 1, deadline: Date.now() + 60_000 }), q)
        .rejects.toMatchObject({ type: 'execution', limit: true });
    }
    const ok = await evaluate(parse('x'), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() + 60_000 });
    expect(ok.type).toBe('vector');
  });
});
