import { type Labels, type LabelMatcher, type SelectHints, type SeriesSamples, type SharedSelection, type TimeRange } from '../storage/interface.js';
import { aggregate } from './aggregate.js';
import { Annotations } from './annotations.js';
import { unwrapParen, type AggregateExpr, type Call, type Expr, type MatrixSelector, type SubqueryExpr, type VectorSelector } from './ast.js';
import { binary } from './binary.js';
import { callInstant } from './functions-instant.js';
import { RANGE_FUNCTIONS } from './functions-range.js';
import type { QueryWorkers } from './parallel/query-workers.js';
import { parallelizable, planSelector, runPlan, runPlanShared, streamPlan, type StreamPlan } from './stream.js';
import { atTime, instantSteps, RangeStepper, withoutStale, type Grid } from './series-steps.js';
import { labelsKey, mergeSameLabels, QueryError, type RawSeries, setLabel, type StepSeries, type Value, withoutName } from './value.js';

/** Where selectors read raw samples from (the storage module's MetricsReader.select). */
export type SelectFn = (matchers: readonly LabelMatcher[], range: TimeRange, hints?: SelectHints) => AsyncIterable<SeriesSamples>;

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
  /** false: every aggregation node by node, none streamed (tests compare both ways). */
  stream?: boolean;
  /**
   * Streamed sum/count/group/min/max read from shared memory where storage can (selectShared)
   * and split between the main thread and these workers.
   */
  parallel?: { workers: QueryWorkers | undefined; selectShared: (matchers: readonly LabelMatcher[], range: TimeRange) => Promise<SharedSelection | undefined>; minCells?: number; maxSeries?: number };
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
 * Aggregations of the common shapes are computed while their series stream in (stream.ts).
 */
export async function evaluate(expr: Expr, range: EvalRange, select: SelectFn, limits: EngineLimits, notes = new Annotations()): Promise<Value> {
  const steps: number[] = [];
  for (let t = range.start; t <= range.end; t += range.step) steps.push(t);
  const ctx: Context = { query: range, loaded: new Map(), streamed: new Map(), limits, notes };
  const ev = new Evaluator(steps, ctx);
  await load(expr, ev, select);
  return ev.eval(expr);
}

interface Context {
  query: EvalRange;
  loaded: Map<VectorSelector, SeriesSamples[]>;
  /** Results of aggregations computed while loading. */
  streamed: Map<AggregateExpr, StepSeries[]>;
  limits: EngineLimits;
  /** Warnings and infos for the answer. */
  notes: Annotations;
}

/** Counts what a query loads (series, samples) against its limits. */
function budget(limits: EngineLimits): (addSeries: number, addSamples: number) => void {
  let samples = 0;
  let series = 0;
  return (addSeries, addSamples) => {
    samples += addSamples;
    series += addSeries;
    if (samples > limits.maxSamples) throw new QueryError('execution', 'query processing would load too many samples into memory in query execution', true);
    if (series > limits.maxSeries) throw new QueryError('execution', `query would read more than ${limits.maxSeries} series (query.max_series)`, true);
    checkLimits(limits);
  };
}

async function* counted(series: AsyncIterable<SeriesSamples>, take: (series: number, samples: number) => void): AsyncIterable<SeriesSamples> {
  for await (const s of series) {
    take(1, s.timestamps.length);
    yield s;
  }
}

/**
 * Loads the samples of every selector for the time it will be read over, and computes the
 * streamable aggregations at the query's own steps (not those inside subqueries).
 */
async function load(expr: Expr, ev: Evaluator, select: SelectFn): Promise<void> {
  const { query: range, limits } = ev.ctx;
  const windows = new Map<VectorSelector, TimeRange>();
  const plans: { plan: StreamPlan; window: TimeRange }[] = [];
  const windowOf = (sel: VectorSelector, before: number, s: number, en: number): TimeRange => {
    const at = atTime(sel.at, range);
    return { start: (at ?? s) - sel.offsetMs - before, end: (at ?? en) - sel.offsetMs };
  };
  const visit = (e: Expr, start: number, end: number, top: boolean): void => {
    const widen = (sel: VectorSelector, before: number) => {
      const w = windowOf(sel, before, start, end);
      const had = windows.get(sel);
      windows.set(sel, had ? { start: Math.min(had.start, w.start), end: Math.max(had.end, w.end) } : w);
    };
    switch (e.kind) {
      case 'vector': widen(e, limits.lookbackMs); return;
      case 'matrix': widen(e.selector, e.rangeMs); return;
      case 'subquery': {
        const at = atTime(e.at, range);
        visit(e.expr, (at ?? start) - e.offsetMs - e.rangeMs, (at ?? end) - e.offsetMs, false);
        return;
      }
      case 'paren': case 'unary': visit(e.expr, start, end, top); return;
      case 'binary': visit(e.lhs, start, end, top); visit(e.rhs, start, end, top); return;
      case 'aggregate': {
        const plan = top && limits.stream !== false ? streamPlan(e, ev.n) : undefined;
        if (plan) {
          const { selector, before } = planSelector(plan, limits.lookbackMs);
          plans.push({ plan, window: windowOf(selector, before, start, end) });
          return;
        }
        visit(e.expr, start, end, top);
        if (e.param) visit(e.param, start, end, top);
        return;
      }
      case 'call': for (const a of e.args) visit(a, start, end, top); return;
      default: return;
    }
  };
  visit(expr, range.start, range.end, true);
  const take = budget(limits);
  for (const [sel, window] of windows) {
    const list: SeriesSamples[] = [];
    for await (const s of counted(select(sel.matchers, window), take)) list.push(s);
    ev.ctx.loaded.set(sel, list);
  }
  for (const { plan, window } of plans) {
    const { selector } = planSelector(plan, limits.lookbackMs);
    const check = () => { checkLimits(limits); };
    const shared = limits.parallel && parallelizable(plan) ? await limits.parallel.selectShared(selector.matchers, window) : undefined;
    const result = shared && (await runPlanShared(plan, shared, ev, limits.lookbackMs, ev.ctx.notes, limits.parallel?.workers, check, take, limits.parallel?.minCells, limits.parallel?.maxSeries));
    if (result) {
      ev.ctx.streamed.set(plan.agg, result);
      continue;
    }
    // A plan uses each series before it reads the next (its accumulators copy what they keep).
    ev.ctx.streamed.set(plan.agg, await runPlan(plan, counted(select(selector.matchers, window, { transient: true }), take), ev, limits.lookbackMs, ev.ctx.notes, check));
  }
}

export class Evaluator implements Grid {
  constructor(readonly steps: number[], readonly ctx: Context) {}

  get query(): EvalRange {
    return this.ctx.query;
  }

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
      case 'aggregate': {
        const streamed = this.ctx.streamed.get(e);
        if (streamed) return { type: 'vector', series: streamed };
        return aggregate(e, this.vector(e.expr), e.param ? this.eval(e.param) : undefined, this.n, this.ctx.notes);
      }
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
    const out: StepSeries[] = [];
    let done = 0;
    for (const s of this.ctx.loaded.get(sel) ?? []) {
      if ((++done & 255) === 0) this.checkDeadline();
      const values = new Float64Array(this.n);
      const has = new Uint8Array(this.n);
      if (instantSteps(s, sel, this, this.ctx.limits.lookbackMs, times, values, has)) out.push({ labels: s.labels, values, has });
    }
    return out;
  }

  private readonly rawCache = new Map<VectorSelector, RawSeries[]>();

  /** A selector's samples without staleness markers. */
  private rawSeries(sel: VectorSelector): RawSeries[] {
    let raw = this.rawCache.get(sel);
    if (!raw) {
      raw = (this.ctx.loaded.get(sel) ?? []).map(withoutStale);
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
    const mod = arg.kind === 'matrix' ? arg.selector : arg;
    if (e.func === 'holt_winters' || e.func === 'double_exponential_smoothing') checkSmoothing(scalars[1]!, scalars[2]!);
    const out: StepSeries[] = [];
    const present = new Uint8Array(this.n);
    const keepName = e.func === 'last_over_time';
    const args = scalars.filter((x): x is Float64Array => x !== undefined);
    if (e.func === 'quantile_over_time') this.ctx.notes.quantile(args[0]!);
    const stepper = new RangeStepper(e.func, arg.rangeMs, mod.offsetMs, mod.at, this, args);
    let done = 0;
    for (const s of series) {
      if ((++done & 255) === 0) this.checkDeadline();
      this.ctx.notes.counterName(e.func, s.labels);
      const values = new Float64Array(this.n);
      const has = new Uint8Array(this.n);
      if (stepper.run(s, values, has, present)) out.push({ labels: keepName ? s.labels : withoutName(s.labels), values, has });
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

/** Labels of absent()'s output: the selector's equality matchers (not the metric name). */
export function absentLabels(sel: VectorSelector | undefined): Labels {
  let out: Labels = {};
  for (const m of sel?.matchers ?? []) {
    if (m.name === '__name__') continue;
    out = setLabel(out, m.name, m.type === '=' && !(m.name in out) ? m.value : undefined);
  }
  return out;
}
