import { STALE_FLAG, type Labels, type LabelMatcher, type SeriesSamples, type TimeRange } from '../storage/interface.js';
import { aggregate } from './aggregate.js';
import type { AtModifier, Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.js';
import { binary } from './binary.js';
import { callInstant } from './functions-instant.js';
import { RANGE_FUNCTIONS, type Window } from './functions-range.js';
import { labelsKey, mergeSameLabels, QueryError, type RawSeries, setLabel, type StepSeries, type Value, withoutName } from './value.js';

/** Where selectors read raw samples from (the storage module's MetricsReader.select). */
export type SelectFn = (matchers: readonly LabelMatcher[], range: TimeRange) => AsyncIterable<SeriesSamples>;

export interface EngineLimits {
  /** Staleness window of instant selectors, ms (Prometheus: 5m). */
  lookbackMs: number;
  /** Step of subqueries written without one, ms (Prometheus: the evaluation interval, 1m). */
  subqueryStepMs: number;
  /** Most samples a query may load. */
  maxSamples: number;
  /** Most series a query may load. */
  maxSeries: number;
  /** Deadline, ms since the epoch. */
  deadline: number;
  /** Aborted when nobody waits for the answer any more. */
  signal?: AbortSignal;
}

/** Evaluation range; an instant query has start = end. */
export interface EvalRange {
  start: number;
  end: number;
  step: number;
}

/**
 * Evaluates a checked expression over raw samples: loads every selector's series once for the
 * whole range, then evaluates node by node over all steps at once (values per series and step).
 */
export async function evaluate(expr: Expr, range: EvalRange, select: SelectFn, limits: EngineLimits): Promise<Value> {
  const loaded = await load(expr, range, select, limits);
  const steps: number[] = [];
  for (let t = range.start; t <= range.end; t += range.step) steps.push(t);
  return new Evaluator(steps, { query: range, loaded, limits }).eval(expr);
}

interface Context {
  query: EvalRange;
  loaded: Map<VectorSelector, SeriesSamples[]>;
  limits: EngineLimits;
}

function atTime(at: AtModifier | undefined, query: EvalRange): number | undefined {
  return at === 'start' ? query.start : at === 'end' ? query.end : at;
}

/** Loads the samples of every selector for the time it will be read over. */
async function load(expr: Expr, range: EvalRange, select: SelectFn, limits: EngineLimits): Promise<Map<VectorSelector, SeriesSamples[]>> {
  const windows = new Map<VectorSelector, TimeRange>();
  const visit = (e: Expr, start: number, end: number): void => {
    const widen = (sel: VectorSelector, before: number, s: number, en: number) => {
      const at = atTime(sel.at, range);
      const lo = (at ?? s) - sel.offsetMs - before;
      const hi = (at ?? en) - sel.offsetMs;
      const w = windows.get(sel);
      windows.set(sel, w ? { start: Math.min(w.start, lo), end: Math.max(w.end, hi) } : { start: lo, end: hi });
    };
    switch (e.kind) {
      case 'vector': widen(e, limits.lookbackMs, start, end); return;
      case 'matrix': widen(e.selector, e.rangeMs, start, end); return;
      case 'subquery': {
        const at = atTime(e.at, range);
        visit(e.expr, (at ?? start) - e.offsetMs - e.rangeMs, (at ?? end) - e.offsetMs);
        return;
      }
      case 'paren': case 'unary': visit(e.expr, start, end); return;
      case 'binary': visit(e.lhs, start, end); visit(e.rhs, start, end); return;
      case 'aggregate': visit(e.expr, start, end); if (e.param) visit(e.param, start, end); return;
      case 'call': for (const a of e.args) visit(a, start, end); return;
      default: return;
    }
  };
  visit(expr, range.start, range.end);
  const loaded = new Map<VectorSelector, SeriesSamples[]>();
  let samples = 0;
  let series = 0;
  for (const [sel, window] of windows) {
    const list: SeriesSamples[] = [];
    for await (const s of select(sel.matchers, window)) {
      list.push(s);
      samples += s.timestamps.length;
      series++;
      if (samples > limits.maxSamples) throw new QueryError('execution', 'query processing would load too many samples into memory in query execution', true);
      if (series > limits.maxSeries) throw new QueryError('execution', `query would read more than ${limits.maxSeries} series (query.max_series)`, true);
      checkLimits(limits);
    }
    loaded.set(sel, list);
  }
  return loaded;
}

export class Evaluator {
  constructor(readonly steps: number[], readonly ctx: Context) {}

  get n(): number {
    return this.steps.length;
  }

  private checkDeadline(): void {
    checkLimits(this.ctx.limits);
  }

  eval(e: Expr): Value {
    this.checkDeadline();
    const v = this.evalNode(e);
    // Every intermediate result is held as dense per-step arrays: bound them like loaded samples.
    const cells = v.type === 'vector' ? v.series.length * this.n : v.type === 'matrix' ? v.series.reduce((sum, s) => sum + s.times.length, 0) : 0;
    if (cells > this.ctx.limits.maxSamples) throw new QueryError('execution', 'query processing would load too many samples into memory in query execution', true);
    return v;
  }

  private evalNode(e: Expr): Value {
    switch (e.kind) {
      case 'number': return { type: 'scalar', values: new Float64Array(this.n).fill(e.value) };
      case 'string': return { type: 'string', value: e.value };
      case 'paren': return this.eval(e.expr);
      case 'vector': return { type: 'vector', series: this.selectInstant(e) };
      case 'matrix': return { type: 'matrix', series: this.rawSeries(e.selector) };
      case 'subquery': return { type: 'matrix', series: this.subquery(e) };
      case 'unary': {
        const v = this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', values: v.values.map((x) => -x) };
        if (v.type !== 'vector') throw new QueryError('internal', 'unary minus on a non-numeric value');
        return { type: 'vector', series: mergeSameLabels(v.series.map((s) => ({ labels: withoutName(s.labels), values: s.values.map((x) => -x), has: s.has })), this.n) };
      }
      case 'binary': return binary(e, this.eval(e.lhs), this.eval(e.rhs), this.n);
      case 'aggregate': return aggregate(e, this.vector(e.expr), e.param ? this.eval(e.param) : undefined, this.n);
      case 'call': return this.call(e);
    }
  }

  /** Evaluates an expression known to be an instant vector. */
  vector(e: Expr): StepSeries[] {
    const v = this.eval(e);
    if (v.type !== 'vector') throw new QueryError('internal', `expected an instant vector, got ${v.type}`);
    return v.series;
  }

  scalar(e: Expr): Float64Array {
    const v = this.eval(e);
    if (v.type !== 'scalar') throw new QueryError('internal', `expected a scalar, got ${v.type}`);
    return v.values;
  }

  /**
   * Instant selector: per step the newest sample within the lookback window, unless stale.
   * `times`: the samples' timestamps (seconds) instead of their values (for timestamp()).
   */
  selectInstant(sel: VectorSelector, times = false): StepSeries[] {
    const at = atTime(sel.at, this.ctx.query);
    const lookback = this.ctx.limits.lookbackMs;
    const out: StepSeries[] = [];
    let done = 0;
    for (const s of this.ctx.loaded.get(sel) ?? []) {
      if ((++done & 255) === 0) this.checkDeadline();
      const values = new Float64Array(this.n);
      const has = new Uint8Array(this.n);
      let any = false;
      let j = 0;
      const ts = s.timestamps;
      for (let i = 0; i < this.n; i++) {
        const ref = (at ?? this.steps[i]!) - sel.offsetMs;
        if (at !== undefined) j = 0;
        while (j < ts.length && ts[j]! <= ref) j++;
        const k = j - 1;
        if (k < 0 || ts[k]! < ref - lookback || (s.flags[k]! & STALE_FLAG) !== 0) continue;
        values[i] = times ? ts[k]! / 1000 : s.values[k]!;
        has[i] = 1;
        any = true;
      }
      if (any) out.push({ labels: s.labels, values, has });
    }
    return out;
  }

  private readonly rawCache = new Map<VectorSelector, RawSeries[]>();

  /** A selector's samples without staleness markers. */
  private rawSeries(sel: VectorSelector): RawSeries[] {
    let raw = this.rawCache.get(sel);
    if (!raw) {
      raw = (this.ctx.loaded.get(sel) ?? []).map((s) => {
        const n = s.timestamps.length;
        // Without staleness markers (the usual case) the stored arrays serve as they are.
        if (s.flags.every((f) => (f & STALE_FLAG) === 0)) return { labels: s.labels, times: s.timestamps, values: s.values };
        const times = new Float64Array(n);
        const values = new Float64Array(n);
        let k = 0;
        for (let i = 0; i < n; i++) {
          if ((s.flags[i]! & STALE_FLAG) !== 0) continue;
          times[k] = s.timestamps[i]!;
          values[k] = s.values[i]!;
          k++;
        }
        return { labels: s.labels, times: k === n ? times : times.slice(0, k), values: k === n ? values : values.slice(0, k) };
      });
      this.rawCache.set(sel, raw);
    }
    return raw;
  }

  /** Evaluates a subquery's expression at its own aligned steps; the result is a range vector. */
  private subquery(e: SubqueryExpr): RawSeries[] {
    const step = e.stepMs || this.ctx.limits.subqueryStepMs;
    const at = atTime(e.at, this.ctx.query);
    const first = (at ?? this.steps[0]!) - e.offsetMs - e.rangeMs;
    const last = (at ?? this.steps[this.n - 1]!) - e.offsetMs;
    let start = Math.floor(first / step) * step;
    if (start < first) start += step;
    const steps: number[] = [];
    for (let t = start; t <= last; t += step) steps.push(t);
    if (steps.length > this.ctx.limits.maxSamples) throw new QueryError('execution', 'query processing would load too many samples into memory in query execution', true);
    const inner = new Evaluator(steps, this.ctx).vector(e.expr);
    return inner.map((s) => {
      const idx: number[] = [];
      for (let i = 0; i < s.has.length; i++) if (s.has[i]) idx.push(i);
      return { labels: s.labels, times: Float64Array.from(idx, (i) => steps[i]!), values: Float64Array.from(idx, (i) => s.values[i]!) };
    });
  }

  private call(e: Call): Value {
    const rangeFn = RANGE_FUNCTIONS[e.func];
    if (rangeFn || e.func === 'absent_over_time') return this.rangeCall(e);
    return callInstant(e, this);
  }

  /** A function over a range vector, evaluated per series and step over its window. */
  private rangeCall(e: Call): Value {
    const matrixIndex = e.args.findIndex((a) => unwrapParen(a).kind === 'matrix' || unwrapParen(a).kind === 'subquery');
    const arg = unwrapParen(e.args[matrixIndex]!) as MatrixSelector | SubqueryExpr;
    const scalars = e.args.map((a, i) => (i === matrixIndex ? undefined : this.scalar(a)));
    const series = arg.kind === 'matrix' ? this.rawSeries(arg.selector) : this.subquery(arg);
    const rangeMs = arg.rangeMs;
    const mod = arg.kind === 'matrix' ? arg.selector : arg;
    const at = atTime(mod.at, this.ctx.query);
    if (e.func === 'holt_winters' || e.func === 'double_exponential_smoothing') checkSmoothing(scalars[1]!, scalars[2]!);
    const out: StepSeries[] = [];
    const present = new Uint8Array(this.n);
    const fn = RANGE_FUNCTIONS[e.func];
    const keepName = e.func === 'last_over_time';
    // The scalar arguments at each step, made once for all series.
    const scalarArgs = scalars.filter((x): x is Float64Array => x !== undefined);
    const noArgs: number[] = [];
    const argsAt = scalarArgs.length > 0 ? Array.from({ length: this.n }, (_, i) => scalarArgs.map((x) => x[i]!)) : undefined;
    let done = 0;
    for (const s of series) {
      if ((++done & 255) === 0) this.checkDeadline();
      const values = new Float64Array(this.n);
      const has = new Uint8Array(this.n);
      let any = false;
      let lo = 0;
      let hi = 0;
      const w: Window = { t: s.times, v: s.values, from: 0, to: 0, rangeStart: 0, rangeEnd: 0, rangeMs, memo: {} };
      for (let i = 0; i < this.n; i++) {
        const ref = (at ?? this.steps[i]!) - mod.offsetMs;
        const start = ref - rangeMs;
        if (at !== undefined) {
          lo = 0;
          hi = 0;
        }
        while (lo < s.times.length && s.times[lo]! < start) lo++;
        if (hi < lo) hi = lo;
        while (hi < s.times.length && s.times[hi]! <= ref) hi++;
        if (hi > lo) present[i] = 1;
        if (!fn) continue;
        w.from = lo;
        w.to = hi;
        w.rangeStart = start;
        w.rangeEnd = ref;
        const r = fn(w, argsAt?.[i] ?? noArgs);
        if (r === undefined) continue;
        values[i] = r;
        has[i] = 1;
        any = true;
      }
      if (any) out.push({ labels: keepName ? s.labels : withoutName(s.labels), values, has });
    }
    if (e.func === 'absent_over_time') {
      const values = new Float64Array(this.n).fill(1);
      const has = present.map((p) => (p ? 0 : 1));
      const sel = arg.kind === 'matrix' ? arg.selector : undefined;
      return { type: 'vector', series: has.some((h) => h === 1) ? [{ labels: absentLabels(sel), values, has }] : [] };
    }
    // Prometheus 2.x refuses equal label sets among a range function's results, even at different steps.
    if (new Set(out.map((s) => labelsKey(s.labels))).size !== out.length) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    return { type: 'vector', series: out };
  }
}

function checkLimits(limits: EngineLimits): void {
  if (limits.signal?.aborted) throw new QueryError('canceled', 'query was canceled in query execution');
  if (Date.now() >= limits.deadline) throw new QueryError('timeout', 'query timed out in query execution');
}

function checkSmoothing(sf: Float64Array, tf: Float64Array): void {
  for (let i = 0; i < sf.length; i++) {
    if (!(sf[i]! > 0 && sf[i]! < 1)) throw new QueryError('execution', `invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf[i]}`);
    if (!(tf[i]! > 0 && tf[i]! < 1)) throw new QueryError('execution', `invalid trend factor. Expected: 0 < tf < 1, got: ${tf[i]}`);
  }
}

export function unwrapParen(e: Expr): Expr {
  return e.kind === 'paren' ? unwrapParen(e.expr) : e;
}

/** Labels of absent()'s output: the selector's equality matchers (not the metric name). */
export function absentLabels(sel: VectorSelector | undefined): Labels {
  let out: Labels = {};
  for (const m of sel?.matchers ?? []) {
    if (m.name === '__name__') continue;
    out = setLabel(out, m.name, m.type === '=' && !(m.name in out) ? m.value : undefined);
  }
  return out;
}
