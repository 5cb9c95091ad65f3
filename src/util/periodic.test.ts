import { describe, expect, it } from 'vitest';
import { every } from './periodic.js';

describe('every', () => {
  it('runs one task at a time, keeps going after a failure, and stop waits for the run in progress', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const errors: string[] = [];
    const p = every(5, async () => {
      active++;
      most = Math.max(most, active);
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      active--;
      if (runs === 1) throw new Error('first run failed');
    }, (err) => { errors.push(err.message); });
    await new Promise((r) => setTimeout(r, 120));
    await p.stop();
    const after = runs;
    expect(active).toBe(0);
    expect(most).toBe(1);
    expect(runs).toBeGreaterThan(1);
    expect(errors).toEqual(['first run failed']);
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(after);
  });
});
