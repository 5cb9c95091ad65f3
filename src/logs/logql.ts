/**
 * A parser for the LogQL subset Grafana's Loki data source uses for browsing: stream selectors,
 * line filters (`|=`, `!=`, `|~`, `!~`), `| json`, `| logfmt`, label filters (string and number
 * comparisons), and metric queries `count_over_time`, `rate`, `bytes_over_time`, `bytes_rate`
 * under `sum`, `avg`, `min`, `max`, `count` with `by` / `without`.
 */
import { parseDuration } from '../util/duration.js';

export class LogqlError extends Error {
  override readonly name = 'LogqlError';
}

export interface StreamMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export type Stage =
  | { kind: 'line'; op: '|=' | '!=' | '|~' | '!~'; value: string }
  | { kind: 'parser'; parser: 'json' | 'logfmt' }
  | { kind: 'label'; name: string; op: '=' | '!=' | '=~' | '!~'; value: string }
  | { kind: 'compare'; name: string; op: '==' | '!=' | '>' | '>=' | '<' | '<='; value: number };

export interface LogExpr {
  kind: 'log';
  selector: StreamMatcher[];
  stages: Stage[];
}

export interface RangeExpr {
  kind: 'range';
  fn: 'count_over_time' | 'rate' | 'bytes_over_time' | 'bytes_rate';
  log: LogExpr;
  rangeMs: number;
}

export interface AggExpr {
  kind: 'agg';
  op: 'sum' | 'avg' | 'min' | 'max' | 'count';
  by?: string[];
  without?: string[];
  inner: MetricExpr;
}

export type MetricExpr = RangeExpr | AggExpr;
export type LogqlExpr = LogExpr | MetricExpr;

type Token = { t: 'str' | 'ident' | 'num' | 'dur' | 'op'; v: string; at: number };

const OPS = ['|=', '|~', '!=', '!~', '=~', '==', '>=', '<=', '=', '>', '<', '|', '{', '}', '(', ')', '[', ']', ','];

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      const start = i++;
      let v = '';
      for (;;) {
        if (i >= src.length) throw new LogqlError(`unterminated string at ${start + 1}`);
        const d = src[i++]!;
        if (d === c) break;
        if (d === '\\' && c === '"') {
          const e = src[i++];
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
        } else v += d;
      }
      out.push({ t: 'str', v, at: start });
      continue;
    }
    const dur = /^\d+(\.\d+)?(ms|s|m|h|d|w|y)(\d+(ms|s|m|h|d|w|y))*/.exec(src.slice(i));
    if (dur && !/^[a-zA-Z_]/.test(src.slice(i + dur[0].length))) {
      out.push({ t: 'dur', v: dur[0], at: i });
      i += dur[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[a-zA-Z_][a-zA-Z0-9_.]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'ident', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new LogqlError(`unexpected character "${c}" at ${i + 1}`);
    out.push({ t: 'op', v: op, at: i });
    i += op.length;
  }
  return out;
}

const RANGE_FNS = ['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate'] as const;
const AGGS = ['sum', 'avg', 'min', 'max', 'count'] as const;

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly src: string) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private where(): string {
    const t = this.peek();
    return t ? `at ${t.at + 1} ("${t.v}")` : 'at the end';
  }

  private take(t: Token['t'], v?: string): Token {
    const tok = this.peek();
    if (!tok || tok.t !== t || (v !== undefined && tok.v !== v)) throw new LogqlError(`expected ${v ?? t} ${this.where()} in ${JSON.stringify(this.src)}`);
    this.i++;
    return tok;
  }

  private is(t: Token['t'], v?: string): boolean {
    const tok = this.peek();
    return !!tok && tok.t === t && (v === undefined || tok.v === v);
  }

  expr(): LogqlExpr {
    const e = this.is('op', '{') ? this.log() : this.metric();
    if (this.peek()) throw new LogqlError(`unexpected ${this.where()}`);
    return e;
  }

  selector(): StreamMatcher[] {
    this.take('op', '{');
    const out: StreamMatcher[] = [];
    while (!this.is('op', '}')) {
      const name = this.take('ident').v;
      const op = this.take('op').v;
      if (op !== '=' && op !== '!=' && op !== '=~' && op !== '!~') throw new LogqlError(`invalid matcher operator "${op}" for label ${name}`);
      out.push({ name, op, value: this.take('str').v });
      if (this.is('op', ',')) this.i++;
      else if (!this.is('op', '}')) throw new LogqlError(`expected , or } ${this.where()} in ${JSON.stringify(this.src)}`);
    }
    this.take('op', '}');
    return out;
  }

  log(): LogExpr {
    const selector = this.selector();
    if (selector.length === 0 || selector.every((m) => new RegExp(`^(?:${m.op.endsWith('~') ? m.value : escape(m.value)})$`).test('') !== m.op.startsWith('!'))) {
      throw new LogqlError('a stream selector needs at least one matcher that does not match the empty string');
    }
    const stages: Stage[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op') break;
      if (t.v === '|=' || t.v === '|~' || t.v === '!=' || t.v === '!~') {
        this.i++;
        const value = this.take('str').v;
        if (t.v.endsWith('~')) checkRegex(value);
        stages.push({ kind: 'line', op: t.v, value });
      } else if (t.v === '|') {
        this.i++;
        const name = this.take('ident').v;
        if ((name === 'json' || name === 'logfmt') && !this.isComparison()) {
          stages.push({ kind: 'parser', parser: name });
          continue;
        }
        const op = this.take('op').v;
        if (this.is('str')) {
          if (op !== '=' && op !== '!=' && op !== '=~' && op !== '!~') throw new LogqlError(`invalid string comparison "${op}" for ${name}`);
          const value = this.take('str').v;
          if (op.endsWith('~')) checkRegex(value);
          stages.push({ kind: 'label', name, op, value });
        } else {
          const v = this.is('dur') ? parseDuration(this.take('dur').v) / 1000 : Number(this.take('num').v);
          const cmp = op === '=' ? '==' : op;
          if (!['==', '!=', '>', '>=', '<', '<='].includes(cmp)) throw new LogqlError(`invalid number comparison "${op}" for ${name}`);
          stages.push({ kind: 'compare', name, op: cmp as '==', value: v });
        }
      } else break;
    }
    return { kind: 'log', selector, stages };
  }

  private isComparison(): boolean {
    const t = this.peek();
    return !!t && t.t === 'op' && ['=', '!=', '=~', '!~', '==', '>', '>=', '<', '<='].includes(t.v);
  }

  private labels(): string[] {
    this.take('op', '(');
    const out: string[] = [];
    while (!this.is('op', ')')) {
      out.push(this.take('ident').v);
      if (!this.is('op', ')')) this.take('op', ',');
    }
    this.take('op', ')');
    return out;
  }

  metric(): MetricExpr {
    if (this.is('op', '(')) {
      this.i++;
      const inner = this.metric();
      this.take('op', ')');
      return inner;
    }
    const name = this.take('ident').v;
    if ((RANGE_FNS as readonly string[]).includes(name)) {
      this.take('op', '(');
      const log = this.log();
      this.take('op', '[');
      const rangeMs = parseDuration(this.take('dur').v);
      this.take('op', ']');
      this.take('op', ')');
      return { kind: 'range', fn: name as RangeExpr['fn'], log, rangeMs };
    }
    if (!(AGGS as readonly string[]).includes(name)) throw new LogqlError(`unknown function or aggregation "${name}"`);
    const grouping = (): { by?: string[]; without?: string[] } => {
      if (this.is('ident', 'by')) return (this.i++, { by: this.labels() });
      if (this.is('ident', 'without')) return (this.i++, { without: this.labels() });
      return {};
    };
    let g = grouping();
    this.take('op', '(');
    const inner = this.metric();
    this.take('op', ')');
    if (!g.by && !g.without) g = grouping();
    return { kind: 'agg', op: name as AggExpr['op'], inner, ...g };
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkRegex(re: string): void {
  try {
    new RegExp(re);
  } catch (err) {
    throw new LogqlError(`invalid regular expression ${JSON.stringify(re)}: ${(err as Error).message}`);
  }
}

/** Parses a LogQL query; throws LogqlError with the position on anything outside the subset. */
export function parseLogql(src: string): LogqlExpr {
  return new Parser(lex(src), src).expr();
}

/** Parses a stream selector alone (`{app="x",env="prod"}`, as Loki's protobuf push carries labels). */
export function parseStreamSelector(src: string): StreamMatcher[] {
  const p = new Parser(lex(src), src);
  return p.selector();
}
