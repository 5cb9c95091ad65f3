import type { LabelMatcher } from '../storage/interface.js';

/** The PromQL value types. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** `@` modifier: a fixed time (ms), or the query's start or end. */
export type AtModifier = number | 'start' | 'end';

export interface NumberLiteral {
  kind: 'number';
  value: number;
}

export interface StringLiteral {
  kind: 'string';
  value: string;
}

export interface VectorSelector {
  kind: 'vector';
  /** The metric name when written before the braces (also present as a matcher). */
  name: string | undefined;
  matchers: LabelMatcher[];
  offsetMs: number;
  at: AtModifier | undefined;
}

export interface MatrixSelector {
  kind: 'matrix';
  selector: VectorSelector;
  rangeMs: number;
}

export interface SubqueryExpr {
  kind: 'subquery';
  expr: Expr;
  rangeMs: number;
  /** 0: the default evaluation interval. */
  stepMs: number;
  offsetMs: number;
  at: AtModifier | undefined;
}

export interface ParenExpr {
  kind: 'paren';
  expr: Expr;
}

export interface UnaryExpr {
  kind: 'unary';
  op: '-' | '+';
  expr: Expr;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | 'unless';

export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** true: `on(labels)`, false: `ignoring(labels)` (or nothing written). */
  on: boolean;
  labels: string[];
  /** Extra labels of group_left/group_right. */
  include: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Present when both sides are vectors. */
  matching: VectorMatching | undefined;
}

export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values';

export interface AggregateExpr {
  kind: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  param: Expr | undefined;
  grouping: string[];
  without: boolean;
}

export interface Call {
  kind: 'call';
  func: string;
  args: Expr[];
}

export type Expr = NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | SubqueryExpr | ParenExpr | UnaryExpr | BinaryExpr | AggregateExpr | Call;

export const AGGREGATE_OPS: readonly AggregateOp[] = ['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values'];

/** Aggregations that take a parameter before the vector, and its type. */
export const AGGREGATE_PARAM: Partial<Record<AggregateOp, ValueType>> = { topk: 'scalar', bottomk: 'scalar', quantile: 'scalar', count_values: 'string' };

/** The expression inside any parentheses. */
export function unwrapParen(e: Expr): Expr {
  return e.kind === 'paren' ? unwrapParen(e.expr) : e;
}
