import type { SeriesSamples } from '../storage/interface.js';
import type { Annotations } from './annotations.js';
import { GroupAccumulator, isStreamable, TOPK_CELLS, TopkAccumulator } from './accumulate.js';
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
