import { AGGREGATE_PARAM, type Expr, type ValueType } from './ast.js';
import { compileRegex } from './regex.js';
import { SIGNATURES } from './signatures.js';

/** The type of an expression (assumes it was checked). */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number': return 'scalar';
    case 'string': return 'string';
    case 'vector': return 'vector';
    case 'matrix': return 'matrix';
    case 'subquery': return 'matrix';
    case 'paren': return typeOf(e.expr);
    case 'unary': return typeOf(e.expr);
    case 'binary': return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'aggregate': return 'vector';
    case 'call': return SIGNATURES[e.func]?.returns ?? 'vector';
  }
}

const COMPARISON = new Set(['==', '!=', '<', '<=', '>', '>=']);

/**
 * Prometheus's semantic checks (promql/parser/parse.go checkAST): operand and argument types,
 * argument counts, vector matching only between vectors, at least one non-empty matcher.
 * Fills in the default one-to-one matching of vector/vector operations.
 */
export function checkExpr(e: Expr, error: (msg: string) => Error): void {
  const expect = (x: Expr, want: ValueType, context: string) => {
    const got = typeOf(x);
    if (got !== want) throw error(`expected type ${typeName(want)} in ${context}, got ${typeName(got)}`);
  };
  switch (e.kind) {
    case 'number':
    case 'string':
      return;
    case 'vector':
      if (!e.matchers.some((m) => !matchesEmpty(m))) throw error('vector selector must contain at least one non-empty matcher');
      return;
    case 'matrix':
      checkExpr(e.selector, error);
      return;
    case 'subquery':
      checkExpr(e.expr, error);
      if (typeOf(e.expr) !== 'vector') throw error(`subquery is only allowed on instant vector, got ${typeName(typeOf(e.expr))} instead`);
      return;
    case 'paren':
      checkExpr(e.expr, error);
      return;
    case 'unary': {
      checkExpr(e.expr, error);
      const t = typeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector') throw error(`unary expression only allowed on expressions of type scalar or instant vector, got ${typeName(t)}`);
      return;
    }
    case 'aggregate':
      checkExpr(e.expr, error);
      if (e.param) checkExpr(e.param, error);
      expect(e.expr, 'vector', 'aggregation expression');
      if (e.param) expect(e.param, AGGREGATE_PARAM[e.op]!, 'aggregation parameter');
      return;
    case 'call': {
      const sig = SIGNATURES[e.func];
      if (!sig) throw error(`unknown function with name "${e.func}"`);
      for (const a of e.args) checkExpr(a, error);
      const n = e.args.length;
      const min = sig.args.length - sig.optional;
      const max = sig.variadic ? Infinity : sig.args.length;
      if (n < min || n > max) {
        throw error(sig.optional === 0 && !sig.variadic
          ? `expected ${sig.args.length} argument(s) in call to "${e.func}", got ${n}`
          : n < min ? `expected at least ${min} argument(s) in call to "${e.func}", got ${n}` : `expected at most ${max} argument(s) in call to "${e.func}", got ${n}`);
      }
      e.args.forEach((a, i) => {
        const want = sig.args[Math.min(i, sig.args.length - 1)]!;
        // Prometheus accepts a scalar where a number literal is expected, and only that.
        expect(unwrap(a), want, `call to function "${e.func}"`);
      });
      return;
    }
    case 'binary': {
      checkExpr(e.lhs, error);
      checkExpr(e.rhs, error);
      const lt = typeOf(e.lhs);
      const rt = typeOf(e.rhs);
      for (const t of [lt, rt]) if (t !== 'scalar' && t !== 'vector') throw error(`binary expression must contain only scalar and instant vector types`);
      const setOp = e.op === 'and' || e.op === 'or' || e.op === 'unless';
      if (e.returnBool && !COMPARISON.has(e.op)) throw error('bool modifier can only be used on comparison operators');
      if (COMPARISON.has(e.op) && lt === 'scalar' && rt === 'scalar' && !e.returnBool) throw error('comparisons between scalars must use BOOL modifier');
      if (setOp && (lt !== 'vector' || rt !== 'vector')) throw error(`set operator "${e.op}" not allowed in binary scalar expression`);
      if (lt === 'vector' && rt === 'vector') {
        e.matching ??= { card: 'one-to-one', on: false, labels: [], include: [] };
        if (setOp && e.matching.card !== 'many-to-many') throw error(`no grouping allowed for "${e.op}" operation`);
      } else if (e.matching && (e.matching.labels.length > 0 || e.matching.on || e.matching.card !== 'one-to-one')) {
        if (!setOp) throw error('vector matching only allowed between instant vectors');
      } else e.matching = undefined;
      return;
    }
  }
}

function unwrap(e: Expr): Expr {
  return e.kind === 'paren' ? unwrap(e.expr) : e;
}

function matchesEmpty(m: { type: string; value: string }): boolean {
  if (m.type === '=') return m.value === '';
  if (m.type === '!=') return m.value !== '';
  try {
    const re = compileRegex(m.value);
    return m.type === '=~' ? re.test('') : !re.test('');
  } catch {
    return false;
  }
}

function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}
