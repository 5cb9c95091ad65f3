import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_OPS } from './ast.js';
import { SIGNATURES } from './signatures.js';

// The promqltest files must exercise every function, aggregation and operator the engine offers.
const dir = new URL('./testdata/', import.meta.url);
const text = readdirSync(dir).filter((f) => f.endsWith('.test')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
const evals = text.split('\n').filter((l) => /^eval/.test(l)).join('\n');

describe('promqltest coverage', () => {
  it('has an eval of every function', () => {
    const missing = Object.keys(SIGNATURES).filter((f) => !new RegExp(`\\b${f}\\(`).test(evals));
    expect(missing).toEqual([]);
  });

  it('has an eval of every aggregation and operator', () => {
    const missing = AGGREGATE_OPS.filter((op) => !new RegExp(`\\b${op}\\b`).test(evals));
    expect(missing).toEqual([]);
    const ops = ['+', '-', '*', '/', '%', '^', 'atan2', '==', '!=', '<', '<=', '>', '>=', 'and', 'or', 'unless', 'bool', 'on(', 'ignoring(', 'group_left', 'group_right', 'offset', '@', 'without', 'by ('];
    expect(ops.filter((op) => !evals.includes(op.length <= 2 ? ` ${op} ` : op))).toEqual([]);
  });
});
