import type { AtModifier, Expr, VectorSelector } from './ast.js';
import { SIGNATURES } from './signatures.js';
import { formatValue } from './value.js';

/** A JSON value, as /api/v1/parse_query answers it. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * An expression as the JSON tree Prometheus's `/api/v1/parse_query` returns (its UI's tree
 * view; web/api/v1/translate_ast.go): the same node types and field names.
 */
export function astJson(e: Expr): Json {
  switch (e.kind) {
    case 'aggregate':
      return { type: 'aggregation', op: e.op, expr: astJson(e.expr), param: e.param ? astJson(e.param) : null, grouping: e.grouping, without: e.without };
    case 'binary': {
      const m = e.matching;
      const matching: Json = m ? { card: m.card, labels: m.labels, on: m.on, include: m.include, fillValues: { lhs: null, rhs: null } } : null;
      return { type: 'binaryExpr', op: e.op, lhs: astJson(e.lhs), rhs: astJson(e.rhs), matching, bool: e.returnBool };
    }
    case 'call': {
      const sig = SIGNATURES[e.func];
      return {
        type: 'call',
        func: { name: e.func, argTypes: sig?.args ?? [], variadic: sig ? (sig.variadic ? -1 : sig.optional) : 0, returnType: sig?.returns ?? 'vector' },
        args: e.args.map(astJson),
      };
    }
    case 'matrix':
      return { type: 'matrixSelector', ...selectorFields(e.selector), range: e.rangeMs };
    case 'subquery':
      return { type: 'subquery', expr: astJson(e.expr), range: e.rangeMs, offset: e.offsetMs, step: e.stepMs, ...atFields(e.at) };
    case 'number':
      return { type: 'numberLiteral', val: formatValue(e.value) };
    case 'paren':
      return { type: 'parenExpr', expr: astJson(e.expr) };
    case 'string':
      return { type: 'stringLiteral', val: e.value };
    case 'unary':
      return { type: 'unaryExpr', op: e.op, expr: astJson(e.expr) };
    case 'vector':
      return { type: 'vectorSelector', ...selectorFields(e) };
  }
}

function selectorFields(s: VectorSelector): Record<string, Json> {
  return { name: s.name ?? '', offset: s.offsetMs, matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, type: m.type })), ...atFields(s.at) };
}

function atFields(at: AtModifier | undefined): Record<string, Json> {
  return { timestamp: typeof at === 'number' ? at : null, startOrEnd: typeof at === 'string' ? at : null };
}
