import type { LabelMatcher, MatchType } from '../storage/interface.js';
import { compileRegex } from './regex.js';
import { AGGREGATE_OPS, type AggregateOp, type AtModifier, type BinaryOp, type Expr, type VectorMatching, type VectorSelector } from './ast.js';
import { lex, parseDuration, PromqlSyntaxError, type Token, type TokenKind } from './lex.js';
import { checkExpr } from './typecheck.js';

/**
 * A PromQL parser written to Prometheus's grammar (promql/parser/generated_parser.y): operator
 * precedence `or` < `and`/`unless` < comparisons < `+ -` < `* / % atan2` < `^` (right
 * associative), unary minus at the level of `*` (so `-2 ^ 2` is -4), and `[…]`, `offset` and `@`
 * binding tighter than any operator. An editor grammar (such as lezer-promql) does not promise
 * these semantics or Prometheus's errors, hence a parser of our own. Types are checked after
 * parsing (typecheck.ts), as Prometheus does.
 */
export function parse(query: string): Expr {
  const p = new Parser(query, lex(query));
  const expr = p.expr(0);
  p.expectEnd();
  checkExpr(expr, (msg) => new PromqlSyntaxError(0, msg, query));
  return expr;
}

const PRECEDENCE: Record<string, number> = {
  or: 1, and: 2, unless: 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5, atan2: 5,
  '^': 6,
};
const COMPARISON = new Set(['==', '!=', '<', '<=', '>', '>=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2', ...AGGREGATE_OPS]);
const MATCH_OPS: Partial<Record<TokenKind, MatchType>> = { '=': '=', '!=': '!=', '=~': '=~', '!~': '!~' };

class Parser {
  private i = 0;

  constructor(private readonly query: string, private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }

  /** The current token's kind (a method, so checks do not narrow it across `next()`). */
  private kind(): TokenKind {
    return this.tokens[this.i]!.kind;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private fail(tok: Token, msg?: string): never {
    throw new PromqlSyntaxError(tok.pos, msg ?? `unexpected ${describe(tok)}`, this.query);
  }

  private expect(kind: TokenKind, context: string): Token {
    if (this.kind() !== kind) this.fail(this.tok, `unexpected ${describe(this.tok)} in ${context}, expected "${kind}"`);
    return this.next();
  }

  private isWord(word: string): boolean {
    return this.kind() === 'ident' && this.tok.text.toLowerCase() === word;
  }

  expectEnd(): void {
    if (this.kind() !== 'eof') this.fail(this.tok);
  }

  /** Binary operator at the cursor, if any. */
  private binaryOp(): BinaryOp | undefined {
    const t = this.tok;
    if (t.kind === 'ident') {
      const w = t.text.toLowerCase();
      return w === 'and' || w === 'or' || w === 'unless' || w === 'atan2' ? w : undefined;
    }
    return t.kind in PRECEDENCE ? (t.kind as BinaryOp) : undefined;
  }

  expr(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOp();
      if (!op) return left;
      const prec = PRECEDENCE[op]!;
      if (prec < minPrec) return left;
      const opTok = this.next();
      let returnBool = false;
      if (this.isWord('bool')) {
        if (!COMPARISON.has(op)) this.fail(this.tok, 'bool modifier can only be used on comparison operators');
        this.next();
        returnBool = true;
      }
      const matching = this.matching(op, opTok);
      const right = this.expr(op === '^' ? prec : prec + 1);
      left = { kind: 'binary', op, lhs: left, rhs: right, returnBool, matching };
    }
  }

  private matching(op: BinaryOp, opTok: Token): VectorMatching | undefined {
    const setOp = SET_OPS.has(op);
    const m: VectorMatching = { card: setOp ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
    let written = false;
    if (this.isWord('on') || this.isWord('ignoring')) {
      m.on = this.next().text.toLowerCase() === 'on';
      m.labels = this.groupingLabels();
      written = true;
      if (this.isWord('group_left') || this.isWord('group_right')) {
        if (setOp) this.fail(this.tok, `no grouping allowed for "${op}" operation`);
        m.card = this.next().text.toLowerCase() === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.kind() === '(') m.include = this.groupingLabels();
        for (const l of m.include) if (m.on && m.labels.includes(l)) this.fail(opTok, `label "${l}" must not occur in ON and GROUP clause at once`);
      }
    } else if (this.isWord('group_left') || this.isWord('group_right')) this.fail(this.tok);
    return written || setOp ? m : undefined;
  }

  private unary(): Expr {
    const t = this.tok;
    if (t.kind === '-' || t.kind === '+') {
      this.next();
      const operand = this.expr(PRECEDENCE['^']!);
      if (operand.kind === 'number') return { kind: 'number', value: t.kind === '-' ? -operand.value : operand.value };
      return { kind: 'unary', op: t.kind, expr: operand };
    }
    return this.postfix(this.primary());
  }

  /** `[range]`, `[range:step]`, `offset d` and `@ t` after an expression. */
  private postfix(expr: Expr): Expr {
    let e = expr;
    for (;;) {
      const t = this.tok;
      if (t.kind === '[') e = this.rangeOrSubquery(e);
      else if (this.isWord('offset')) {
        this.next();
        let sign = 1;
        if (this.kind() === '-') {
          this.next();
          sign = -1;
        }
        const d = this.duration('offset');
        setModifier(e, 'offset', sign * d, () => this.fail(t, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'), () => this.fail(t, 'offset may not be set multiple times'));
      } else if (t.kind === '@') {
        this.next();
        const at = this.atValue();
        setModifier(e, 'at', at, () => this.fail(t, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery'), () => this.fail(t, '@ <timestamp> may not be set multiple times'));
      } else return e;
    }
  }

  private atValue(): AtModifier {
    if (this.isWord('start') || this.isWord('end')) {
      const which = this.next().text.toLowerCase() as 'start' | 'end';
      this.expect('(', '@ modifier');
      this.expect(')', '@ modifier');
      return which;
    }
    let sign = 1;
    if (this.kind() === '-' || this.kind() === '+') sign = this.next().kind === '-' ? -1 : 1;
    const t = this.tok;
    if (t.kind !== 'number') this.fail(t, `unexpected ${describe(t)} in @, expected timestamp`);
    this.next();
    const seconds = sign * parseNumber(t.text);
    if (!Number.isFinite(seconds)) this.fail(t, `timestamp out of bounds for @ modifier: ${seconds}`);
    return Math.round(seconds * 1000);
  }

  private rangeOrSubquery(e: Expr): Expr {
    const open = this.next();
    const range = this.duration('range');
    if (this.kind() === ':') {
      this.next();
      const step = this.kind() === ']' ? 0 : this.duration('subquery step');
      this.expect(']', 'subquery selector');
      if (e.kind === 'matrix') this.fail(open, 'subquery is only allowed on instant vector, got matrix');
      return { kind: 'subquery', expr: e, rangeMs: range, stepMs: step, offsetMs: 0, at: undefined };
    }
    this.expect(']', 'matrix selector');
    if (e.kind !== 'vector') this.fail(open, 'ranges only allowed for vector selectors');
    if (e.offsetMs !== 0 || e.at !== undefined) this.fail(open, 'no offset or @ modifiers allowed before range');
    return { kind: 'matrix', selector: e, rangeMs: range };
  }

  private duration(context: string): number {
    const t = this.tok;
    if (t.kind !== 'duration') this.fail(t, `unexpected ${describe(t)} in ${context}, expected duration`);
    this.next();
    const ms = parseDuration(t.text)!;
    if (ms === 0 && context !== 'offset') this.fail(t, `duration must be greater than 0`);
    return ms;
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'number', value: parseNumber(t.text) };
      case 'string':
        this.next();
        return { kind: 'string', value: t.text };
      case '(': {
        this.next();
        const inner = this.expr(0);
        this.expect(')', 'paren expression');
        return { kind: 'paren', expr: inner };
      }
      case '{':
        return this.selector(undefined);
      case 'metric':
        this.next();
        return this.selector(t.text);
      case 'ident':
        return this.identifier();
      default:
        return this.fail(t);
    }
  }

  private identifier(): Expr {
    const t = this.tok;
    const word = t.text.toLowerCase();
    if (word === 'inf' || word === 'nan') {
      this.next();
      return { kind: 'number', value: word === 'inf' ? Infinity : NaN };
    }
    if ((AGGREGATE_OPS as readonly string[]).includes(word)) return this.aggregate(word as AggregateOp);
    if (KEYWORDS.has(word)) this.fail(t);
    this.next();
    if (this.kind() === '(') {
      this.next();
      const args = this.args();
      return { kind: 'call', func: t.text, args };
    }
    return this.selector(t.text);
  }

  /** Arguments up to and including `)`. */
  private args(): Expr[] {
    const args: Expr[] = [];
    if (this.kind() === ')') {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.expr(0));
      if (this.kind() === ',') {
        this.next();
        continue;
      }
      this.expect(')', 'argument list');
      return args;
    }
  }

  private aggregate(op: AggregateOp): Expr {
    const opTok = this.next();
    let grouping: string[] | undefined;
    let without = false;
    const modifier = () => {
      if (this.isWord('by') || this.isWord('without')) {
        without = this.next().text.toLowerCase() === 'without';
        grouping = this.groupingLabels();
        return true;
      }
      return false;
    };
    const before = modifier();
    if (this.kind() !== '(') this.fail(this.tok, `unexpected ${describe(this.tok)} in aggregation, expected "("`);
    this.next();
    const args = this.args();
    if (!before) modifier();
    const wantParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values';
    const expected = wantParam ? 2 : 1;
    if (args.length !== expected) this.fail(opTok, `wrong number of arguments for aggregate expression provided, expected ${expected}, got ${args.length}`);
    return { kind: 'aggregate', op, expr: args[expected - 1]!, param: wantParam ? args[0] : undefined, grouping: grouping ?? [], without };
  }

  private groupingLabels(): string[] {
    this.expect('(', 'grouping opts');
    const labels: string[] = [];
    while (this.kind() !== ')') {
      const t = this.tok;
      if (t.kind !== 'ident') this.fail(t, `unexpected ${describe(t)} in grouping opts, expected label`);
      labels.push(this.next().text);
      if (this.kind() === ',') this.next();
      else if (this.kind() !== ')') this.fail(this.tok, `unexpected ${describe(this.tok)} in grouping opts, expected "," or ")"`);
    }
    this.next();
    return labels;
  }

  private selector(name: string | undefined): VectorSelector {
    const matchers: LabelMatcher[] = [];
    if (this.kind() === '{') {
      const open = this.next();
      while (this.kind() !== '}') {
        const l = this.tok;
        if (l.kind !== 'ident') this.fail(l, `unexpected ${describe(l)} in label matching, expected label`);
        this.next();
        const type = MATCH_OPS[this.kind()];
        if (!type) this.fail(this.tok, `unexpected ${describe(this.tok)} in label matching, expected label matching operator`);
        this.next();
        const value = this.tok;
        if (value.kind !== 'string') this.fail(value, `unexpected ${describe(value)} in label matching, expected string`);
        this.next();
        if (type === '=~' || type === '!~') checkRegex(value.text, () => this.fail(value, `invalid regular expression "${value.text}"`));
        matchers.push({ name: l.text, type, value: value.text });
        if (this.kind() === ',') this.next();
        else if (this.kind() !== '}') this.fail(this.tok, `unexpected ${describe(this.tok)} in label matching, expected "," or "}"`);
      }
      this.next();
      if (name !== undefined && matchers.some((m) => m.name === '__name__')) this.fail(open, 'metric name must not be set twice');
    }
    if (name !== undefined) matchers.push({ name: '__name__', type: '=', value: name });
    return { kind: 'vector', name, matchers, offsetMs: 0, at: undefined };
  }
}

function setModifier(e: Expr, which: 'offset' | 'at', value: number | AtModifier, invalid: () => never, twice: () => never): void {
  const target = e.kind === 'matrix' ? e.selector : e.kind === 'vector' || e.kind === 'subquery' ? e : invalid();
  if (which === 'offset') {
    if (target.offsetMs !== 0) twice();
    target.offsetMs = value as number;
  } else {
    if (target.at !== undefined) twice();
    target.at = value;
  }
}

function checkRegex(source: string, fail: () => never): void {
  try {
    compileRegex(source);
  } catch {
    fail();
  }
}

/** A PromQL number: decimal, scientific, hex, Inf or NaN. */
export function parseNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (lower.startsWith('0x')) return parseInt(lower, 16);
  return Number(text);
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of input';
    case 'ident': return KEYWORDS.has(t.text.toLowerCase()) ? `<${t.text.toLowerCase()}>` : `identifier "${t.text}"`;
    case 'metric': return `identifier "${t.text}"`;
    case 'number': return `number "${t.text}"`;
    case 'duration': return `duration "${t.text}"`;
    case 'string': return `string ${JSON.stringify(t.text)}`;
    default: return `"${t.kind}"`;
  }
}
