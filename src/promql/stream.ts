import type { Labels, SeriesSamples, SharedSelection } from '../storage/interface.js';
import type { Annotations } from './annotations.js';
import { GroupAccumulator, isStreamable, TOPK_CELLS, TopkAccumulator } from './accumulate.js';
import { evalPart, type PartJob, type PartResult } from './parallel/part.js';
import type { QueryWorkers } from './parallel/query-workers.js';
import { unwrapParen, type AggregateExpr, type Call, type MatrixSelector, type VectorSelector } from './ast.js';
import { RANGE_FUNCTIONS } from './functions-range.js';
import { RangeStepper, seriesSteps, type Grid, type SeriesStepper } from './series-steps.js';
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
  const range = plan.kind === 'range';
  const func = range ? plan.call.func : '';
  let by: SeriesStepper;
  if (plan.kind === 'range') {
    const sel = plan.matrix.selector;
    const scalars = plan.scalars.map((x) => new Float64Array(n).fill(x));
    if (func === 'quantile_over_time') notes.quantile(scalars[0]!);
    by = new RangeStepper(func, plan.matrix.rangeMs, sel.offsetMs, sel.at, grid, scalars);
  } else by = { sel: plan.selector, grid, lookbackMs };
  // A range function's results drop the metric name (but last_over_time's).
  const dropName = range && func !== 'last_over_time';
  const sameLabels = new SameLabelsCheck(dropName);
  for await (const s of series) {
    if ((++done & 255) === 0) check();
    if (range) notes.counterName(func, s.labels);
    const labels = dropName ? withoutName(s.labels) : s.labels;
    const r = seriesSteps(by, s, acc instanceof GroupAccumulator ? acc.sumTarget(labels) : undefined, values, has);
    if (r === 'none') continue;
    if (range) sameLabels.add(s.labels);
    if (r === 'values') acc.add(labels, values, has);
  }
  return acc.series();
}

/** Series × steps below which a plan is evaluated by the main thread alone (a worker's round trip costs more). */
const PARALLEL_MIN_CELLS = 200_000;
/**
 * Most series a plan reads from shared memory: their open tails are copied first (~1 KiB a
 * series), where reading series one at a time holds one. Beyond, it streams as usual.
 */
const SHARED_MAX_SERIES = 50_000;

/** Whether a plan can be split into parts evaluated by several threads (its results merge). */
export function parallelizable(plan: StreamPlan): boolean {
  return splitOp(plan) !== undefined;
}

/** The aggregation of a plan whose parts merge (all but avg, topk and bottomk). */
function splitOp(plan: StreamPlan): PartJob['op'] | undefined {
  const op = plan.agg.op;
  return op === 'sum' || op === 'count' || op === 'group' || op === 'min' || op === 'max' ? op : undefined;
}

/**
 * runPlan over series in shared memory, split into runs of consecutive series: the first
 * evaluated by the main thread, the others by the workers at the same time (each sent off as soon
 * as its samples are gathered), merged in series order. `take(series, samples)` counts what was
 * read against the limits; below `minCells` series × steps the main thread evaluates everything.
 * Undefined, having done nothing, for more than `maxSeries` series, and when memory no longer
 * holds the samples: read them with `select` instead.
 */
export async function runPlanShared(plan: StreamPlan, sel: SharedSelection, grid: Grid, lookbackMs: number, notes: Annotations, workers: QueryWorkers | undefined, check: () => void, take: (series: number, samples: number) => void, minCells = PARALLEL_MIN_CELLS, maxSeries = SHARED_MAX_SERIES): Promise<StepSeries[] | undefined> {
  if (sel.labels.length > maxSeries) return undefined;
  const n = grid.steps.length;
  const op = splitOp(plan);
  if (!op) throw new QueryError('internal', `aggregation ${plan.agg.op} is not split into parts`);
  const acc = new GroupAccumulator(plan.agg, n);
  const func = plan.kind === 'range' ? plan.call.func : '';
  // A range function's results drop the metric name (but last_over_time), which only matters to
  // the group where `by` names it.
  const dropName = plan.kind === 'range' && func !== 'last_over_time';
  const nameGroups = dropName && !plan.agg.without && plan.agg.grouping.includes('__name__');
  const count = sel.labels.length;
  const groups = new Int32Array(count);
  const assign = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const labels = sel.labels[i]!;
      if (plan.kind === 'range') notes.counterName(func, labels);
      groups[i] = acc.groupIndex(nameGroups ? withoutName(labels) : labels);
    }
  };
  if (plan.kind === 'range' && func === 'quantile_over_time') notes.quantile(new Float64Array(n).fill(plan.scalars[0]!));
  const job: Omit<PartJob, 'from' | 'to'> = {
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
  };
  const parts = workers && workers.size > 0 && count * n >= minCells ? evenParts(count, workers.size + 1) : [0, count];
  // The workers' parts first, so that they run while the main thread gathers its own.
  const others: Promise<PartResult>[] = [];
  for (let p = parts.length - 2; p >= 1; p--) {
    assign(parts[p]!, parts[p + 1]!);
    const samples = sel.samples(parts[p]!, parts[p + 1]!);
    if (!samples) return undefined;
    const r = workers!.run({ ...job, from: parts[p]!, to: parts[p + 1]! }, samples);
    // Marked handled: the main thread's part may fail first (deadline), leaving these unread.
    r.catch(() => undefined);
    others.unshift(r);
  }
  assign(parts[0]!, parts[1]!);
  const mine = sel.samples(parts[0]!, parts[1]!);
  if (!mine) return undefined;
  const results: PartResult[] = [evalPart({ ...job, from: parts[0]!, to: parts[1]! }, mine, check)];
  results.push(...(await Promise.all(others)));
  check();
  const sameLabels = new SameLabelsCheck(dropName);
  for (let p = 0; p < results.length; p++) {
    const r = results[p]!;
    take(r.series, r.samples);
    acc.merge(r.acc, r.count);
    if (plan.kind !== 'range') continue;
    for (let i = 0; i < r.produced.length; i++) if (r.produced[i]) sameLabels.add(sel.labels[parts[p]! + i]!);
  }
  return acc.series();
}

/**
 * Boundaries of `parts` runs of consecutive series: [0, …, count]. The first run, the main
 * thread's, is a tenth shorter than the others: it also gathers every run's samples.
 */
function evenParts(count: number, parts: number): number[] {
  const weight = parts - 0.1;
  const out = [0];
  for (let p = 1; p < parts; p++) {
    const b = Math.round((count * (p - 0.1)) / weight);
    if (b > out[out.length - 1]!) out.push(b);
  }
  if (count > out[out.length - 1]! || out.length === 1) out.push(count);
  return out;
}

/**
 * As node-by-node: Prometheus 2.x refuses equal label sets among a range function's results.
 * Storage gives each label set once, so they can only repeat once the metric name is dropped,
 * among series of different names: label sets are compared only once a second name comes.
 */
class SameLabelsCheck {
  private firstName: string | undefined;
  private readonly earlier: Labels[] = [];
  private seen: Set<string> | undefined;

  constructor(private readonly dropName: boolean) {}

  add(labels: Labels): void {
    if (!this.dropName) return;
    if (!this.seen) {
      if (this.earlier.length === 0) this.firstName = labels.__name__;
      if (labels.__name__ === this.firstName) {
        this.earlier.push(labels);
        return;
      }
      this.seen = new Set(this.earlier.map((l) => labelsKey(withoutName(l))));
    }
    const key = labelsKey(withoutName(labels));
    if (this.seen.has(key)) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    this.seen.add(key);
  }
}
