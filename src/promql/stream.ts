import type { SeriesSamples, SharedSelection } from '../storage/interface.js';
import { sharedSamples } from '../storage/recent/shared-samples.js';
import type { Annotations } from './annotations.js';
import { GroupAccumulator, isStreamable, TOPK_CELLS, TopkAccumulator } from './accumulate.js';
import { evalPart, type PartJob, type PartResult } from './parallel/part.js';
import type { QueryWorkers } from './parallel/query-workers.js';
import { unwrapParen, type AggregateExpr, type Call, type MatrixSelector, type VectorSelector } from './ast.js';
import { RANGE_FUNCTIONS } from './functions-range.js';
import { instantSteps, instantStepsInto, RangeStepper, withoutStale, type Grid } from './series-steps.js';
import { labelsKey, QueryError, type StepSeries, withoutName } from './value.js';

/**
 * A streamable aggregation: sum/count/group/avg/min/max, or topk/bottomk with a literal k, over an
 * instant selector or over a range function of a matrix selector whose other arguments are
 * number literals — the common shape of dashboard queries. Such an aggregation is computed while its series arrive from storage, one
 * at a time into reused buffers: no per-series result is kept, and evaluating one chunk of series
 * overlaps reading the next. The answer is the one the node-by-node evaluation gives.
 */
export type StreamPlan =
  | { kind: 'instant'; agg: AggregateExpr; selector: VectorSelector }
  | { kind: 'range'; agg: AggregateExpr; call: Call; matrix: MatrixSelector; scalars: number[] };

export function streamPlan(agg: AggregateExpr, steps: number): StreamPlan | undefined {
  if (!streamableAggregation(agg, steps)) return undefined;
  const inner = unwrapParen(agg.expr);
  if (inner.kind === 'vector') return { kind: 'instant', agg, selector: inner };
  if (inner.kind !== 'call' || !RANGE_FUNCTIONS[inner.func]) return undefined;
  // holt_winters checks its factors first; not worth a second copy of that here.
  if (inner.func === 'holt_winters' || inner.func === 'double_exponential_smoothing') return undefined;
  let matrix: MatrixSelector | undefined;
  const scalars: number[] = [];
  for (const a of inner.args.map(unwrapParen)) {
    if (a.kind === 'matrix' && !matrix) matrix = a;
    else if (a.kind === 'number') scalars.push(a.value);
    else return undefined;
  }
  return matrix ? { kind: 'range', agg, call: inner, matrix, scalars } : undefined;
}

function streamableAggregation(agg: AggregateExpr, steps: number): boolean {
  if (isStreamable(agg.op)) return !agg.param;
  if (agg.op !== 'topk' && agg.op !== 'bottomk') return false;
  const k = agg.param ? unwrapParen(agg.param) : undefined;
  return k?.kind === 'number' && (!(k.value >= 1) || Math.trunc(k.value) * steps <= TOPK_CELLS);
}

/** The selector a plan reads, and how far before each step it reaches. */
export function planSelector(plan: StreamPlan, lookbackMs: number): { selector: VectorSelector; before: number } {
  return plan.kind === 'instant' ? { selector: plan.selector, before: lookbackMs } : { selector: plan.matrix.selector, before: plan.matrix.rangeMs };
}

/** Runs a plan over the series `series` yields; `check` is called every 256 series (deadline). */
export async function runPlan(plan: StreamPlan, series: AsyncIterable<SeriesSamples>, grid: Grid, lookbackMs: number, notes: Annotations, check: () => void): Promise<StepSeries[]> {
  const n = grid.steps.length;
  const agg = plan.agg;
  const k = agg.param ? unwrapParen(agg.param) : undefined;
  const acc = k?.kind === 'number' ? new TopkAccumulator(agg, new Float64Array(n).fill(k.value), n, Number.MAX_SAFE_INTEGER) : new GroupAccumulator(agg, n);
  const values = new Float64Array(n);
  const has = new Uint8Array(n);
  let done = 0;
  if (plan.kind === 'instant') {
    for await (const s of series) {
      if ((++done & 255) === 0) check();
      const into = acc instanceof GroupAccumulator ? acc.sumTarget(s.labels) : undefined;
      if (into && instantStepsInto(s, plan.selector, grid, lookbackMs, into.acc, into.count)) continue;
      if (instantSteps(s, plan.selector, grid, lookbackMs, false, values, has)) acc.add(s.labels, values, has);
    }
    return acc.series();
  }
  const sel = plan.matrix.selector;
  const func = plan.call.func;
  const scalars = plan.scalars.map((x) => new Float64Array(n).fill(x));
  if (func === 'quantile_over_time') notes.quantile(scalars[0]!);
  const stepper = new RangeStepper(func, plan.matrix.rangeMs, sel.offsetMs, sel.at, grid, scalars);
  const keepName = func === 'last_over_time';
  const seen = new Set<string>();
  for await (const s of series) {
    if ((++done & 255) === 0) check();
    notes.counterName(func, s.labels);
    if (!stepper.run(withoutStale(s), values, has)) continue;
    const labels = keepName ? s.labels : withoutName(s.labels);
    const key = labelsKey(labels);
    // As node-by-node: Prometheus 2.x refuses equal label sets among a range function's results.
    if (seen.has(key)) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    seen.add(key);
    acc.add(labels, values, has);
  }
  return acc.series();
}

/** Series × steps below which a plan is evaluated by the main thread alone (a worker's round trip costs more). */
const PARALLEL_MIN_CELLS = 200_000;

/** Whether a plan can be split into parts evaluated by several threads (its results merge). */
export function parallelizable(plan: StreamPlan): boolean {
  const op = plan.agg.op;
  return op === 'sum' || op === 'count' || op === 'group' || op === 'min' || op === 'max';
}

/**
 * runPlan over series in shared memory, split into runs of consecutive series of about equal
 * samples: the first evaluated by the main thread, the others by the workers at the same time,
 * merged in series order. `take(series, samples)` counts what was read against the limits; below
 * `minCells` series × steps the main thread evaluates everything.
 */
export async function runPlanShared(plan: StreamPlan, sel: SharedSelection, grid: Grid, lookbackMs: number, notes: Annotations, workers: QueryWorkers | undefined, check: () => void, take: (series: number, samples: number) => void, minCells = PARALLEL_MIN_CELLS): Promise<StepSeries[]> {
  const n = grid.steps.length;
  const op = plan.agg.op;
  if (op !== 'sum' && op !== 'count' && op !== 'group' && op !== 'min' && op !== 'max') throw new QueryError('internal', `aggregation ${op} is not split into parts`);
  const acc = new GroupAccumulator(plan.agg, n);
  const func = plan.kind === 'range' ? plan.call.func : '';
  const keepName = func === 'last_over_time';
  const count = sel.labels.length;
  const groups = new Int32Array(count);
  const memberLabels = plan.kind === 'range' && !keepName ? sel.labels.map(withoutName) : sel.labels;
  for (let i = 0; i < count; i++) {
    if (plan.kind === 'range') notes.counterName(func, sel.labels[i]!);
    groups[i] = acc.groupIndex(memberLabels[i]!);
  }
  if (plan.kind === 'range' && func === 'quantile_over_time') notes.quantile(new Float64Array(n).fill(plan.scalars[0]!));
  const job: PartJob = {
    kind: plan.kind,
    op,
    func,
    rangeMs: plan.kind === 'range' ? plan.matrix.rangeMs : 0,
    offsetMs: plan.kind === 'range' ? plan.matrix.selector.offsetMs : plan.selector.offsetMs,
    at: plan.kind === 'range' ? plan.matrix.selector.at : plan.selector.at,
    lookbackMs,
    steps: [...grid.steps],
    query: grid.query,
    scalars: plan.kind === 'range' ? plan.scalars : [],
    groups,
    nGroups: Math.max(1, ...groups.map((g) => g + 1)),
    from: 0,
    to: count,
  };
  const parts = workers && workers.size > 0 && count * n >= minCells ? splitBySamples(sel, workers.size + 1) : [0, count];
  const others = [];
  for (let p = 1; p + 1 < parts.length; p++) {
    const r = workers!.run({ ...job, from: parts[p]!, to: parts[p + 1]! }, sel.samples);
    // Marked handled: the main thread's part may fail first (deadline), leaving these unread.
    r.catch(() => undefined);
    others.push(r);
  }
  const results: PartResult[] = [evalPart({ ...job, from: parts[0]!, to: parts[1]! }, sel.samples, check)];
  results.push(...(await Promise.all(others)));
  check();
  const seen = new Set<string>();
  for (let p = 0; p < results.length; p++) {
    const r = results[p]!;
    take(r.series, r.samples);
    acc.merge(r.acc, r.count);
    if (plan.kind !== 'range') continue;
    // As node-by-node: Prometheus 2.x refuses equal label sets among a range function's results.
    for (let i = 0; i < r.produced.length; i++) {
      if (!r.produced[i]) continue;
      const key = labelsKey(memberLabels[parts[p]! + i]!);
      if (seen.has(key)) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      seen.add(key);
    }
  }
  return acc.series();
}

/** Boundaries of `parts` runs of consecutive series with about equal samples: [0, …, count]. */
function splitBySamples(sel: SharedSelection, parts: number): number[] {
  const count = sel.labels.length;
  const total = sharedSamples(sel.samples, 0, count);
  const out = [0];
  let sum = 0;
  for (let i = 0; i < count && out.length < parts; i++) {
    sum += sharedSamples(sel.samples, i, i + 1);
    if (sum >= (total * out.length) / parts) out.push(i + 1);
  }
  out.push(count);
  return out.filter((b, i) => i === 0 || b > out[i - 1]!);
}
