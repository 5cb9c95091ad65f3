import { describe, expect, it } from 'vitest';
import { evaluate } from './engine.js';
import { parse } from './parse.js';
import { memorySelect, TEST_LIMITS } from './promqltest/runner.js';

const store = [{ labels: { __name__: 'x' }, t: [0, 60_000], v: [1, 2], f: [0, 0] }];

describe('query limits in the engine', () => {
  it('stops when the client went away, and at the deadline', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(evaluate(parse('x'), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() + 60_000, signal: gone.signal }))
      .rejects.toMatchObject({ type: 'canceled' });
    await expect(evaluate(parse('x'), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() - 1 }))
      .rejects.toMatchObject({ type: 'timeout' });
  });

  it('refuses to load more samples than allowed', async () => {
    await expect(evaluate(parse('x'), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, maxSamples: 1, deadline: Date.now() + 60_000 }))
      .rejects.toMatchObject({ type: 'execution', limit: true });
    const ok = await evaluate(parse('x'), { start: 0, end: 60_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() + 60_000 });
    expect(ok.type).toBe('vector');
  });
});
