import type { Labels } from '../storage/interface.js';
import type { AggregateExpr } from './ast.js';
import { nextMean } from './functions-range.js';
import { compareLabels, labelsKey, QueryError, SeriesBuilder, type StepSeries } from './value.js';

/** The group a series falls in, and the labels of that group's result. */
export function grouping(e: AggregateExpr, l: Labels): Labels {
  if (e.without) {
    const drop = new Set([...e.grouping, '__name__']);
    return Object.fromEntries(Object.entries(l).filter(([k]) => !drop.has(k)));
  }
  const out: Record<string, string> = {};
  for (const k of e.grouping) if (l[k] !== undefined && l[k] !== '') out[k] = l[k];
  return out;
}

export type StreamableOp = 'sum' | 'count' | 'group' | 'avg' | 'min' | 'max';

export function isStreamable(op: AggregateExpr['op']): op is StreamableOp {
  return op === 'sum' || op === 'count' || op === 'group' || op === 'avg' || op === 'min' || op === 'max';
}

interface Group {
  index: number;
  labels: Labels;
  acc: Float64Array;
  count: Float64Array;
  /** avg only: Prometheus's incremental mean, the answer where the plain sum overflows. */
  mean: Float64Array | undefined;
}

/**
 * sum, count, group, avg, min and max, fed series by series (no per-step lists, and the series
 * need not be kept). Members are added in Prometheus's order, so sums round the same and min/max
 * pick the same value among NaNs; avg is the sum over the count (Prometheus 3's way), with the
 * incremental mean where the sum overflows.
 */
export class GroupAccumulator {
  private readonly groups = new Map<string, Group>();
  /** The groups by index. */
  private readonly list: Group[] = [];
  private readonly op: StreamableOp;

  /** `by` grouping: its label names, sorted and without repeats. */
  private readonly byNames: readonly string[] | undefined;

  constructor(private readonly e: AggregateExpr, private readonly n: number) {
    if (!isStreamable(e.op)) throw new QueryError('internal', `aggregation ${e.op} is not streamable`);
    this.op = e.op;
    this.byNames = e.without ? undefined : [...new Set(e.grouping)].sort();
  }

  /**
   * For sum, count and group: the running sums and counts of the series' group, for a caller that
   * adds the series' step values itself (acc += value, count += 1, in series order as `add`
   * does); undefined for the other operations.
   */
  sumTarget(labels: Labels): { acc: Float64Array; count: Float64Array } | undefined {
    return this.op === 'sum' || this.op === 'count' || this.op === 'group' ? this.group(labels) : undefined;
  }

  add(labels: Labels, values: Float64Array, has: Uint8Array): void {
    const g = this.group(labels);
    addSteps(this.op, g.acc, g.count, values, has, 0, this.n);
    const { mean, count } = g;
    if (mean) for (let i = 0; i < this.n; i++) if (has[i]) mean[i] = nextMean(mean[i]!, values[i]!, count[i]!);
  }

  /** The index of the series' group (see `merge`), its labels as `add` takes them. */
  groupIndex(labels: Labels): number {
    return this.group(labels).index;
  }

  /**
   * Adds what a part of the series added into its own arrays (per group index, `n` steps each,
   * `addSteps` over that part) as if its members came now, in order: sums add, min/max compare,
   * counts add. Not for avg (its incremental mean does not merge).
   */
  merge(acc: Float64Array, count: Float64Array): void {
    if (this.op === 'avg') throw new QueryError('internal', 'avg results cannot be merged');
    const n = this.n;
    for (const g of this.list) {
      const base = g.index * n;
      if (base >= acc.length) break;
      // A part's running value at a step is one more member, weighing as many as it counted.
      addSteps(this.op, g.acc, g.count, acc.subarray(base, base + n), count.subarray(base, base + n), 0, n);
    }
  }

  private group(labels: Labels): Group {
    // `by`: the group's key straight from the labels (as labelsKey of grouping() spells it);
    // its label set is built only for a new group.
    let key = '';
    if (this.byNames) {
      for (const k of this.byNames) {
        const v = labels[k];
        if (v !== undefined && v !== '') key += `${k}\xff${v}\xfe`;
      }
    } else key = labelsKey(grouping(this.e, labels));
    let g = this.groups.get(key);
    if (!g) {
      g = { index: this.list.length, labels: grouping(this.e, labels), acc: new Float64Array(this.n), count: new Float64Array(this.n), mean: this.op === 'avg' ? new Float64Array(this.n) : undefined };
      this.groups.set(key, g);
      this.list.push(g);
    }
    return g;
  }

  series(): StepSeries[] {
    const out: StepSeries[] = [];
    for (const g of this.groups.values()) {
      const has = Uint8Array.from(g.count, (c) => (c > 0 ? 1 : 0));
      if (!has.includes(1)) continue;
      let values = g.acc;
      if (this.op === 'count') values = g.count;
      else if (this.op === 'group') values = Float64Array.from(g.count, (c) => (c > 0 ? 1 : 0));
      else if (this.op === 'avg') values = g.acc.map((sum, i) => (g.count[i] === 0 ? 0 : Number.isFinite(sum) || Number.isNaN(sum) ? sum / g.count[i]! : g.mean![i]!));
      out.push({ labels: g.labels, values, has });
    }
    return out;
  }
}

/**
 * One member's step values added into its group's running values at `base` (sum, count and group
 * add; min and max keep the least/greatest, a number before NaN, as Prometheus does) and counts.
 * `has` is 1 where the member has a value, or (merging a part) how many members it stands for.
 */
export function addSteps(op: StreamableOp, acc: Float64Array, count: Float64Array, values: Float64Array, has: Uint8Array | Float64Array, base: number, n: number): void {
  if (op === 'min' || op === 'max') {
    const min = op === 'min';
    for (let i = 0; i < n; i++) {
      if (!has[i]) continue;
      const x = values[i]!;
      const a = acc[base + i]!;
      if (count[base + i] === 0 || Number.isNaN(a) || (min ? x < a : x > a)) acc[base + i] = x;
      count[base + i] = count[base + i]! + has[i]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    if (!has[i]) continue;
    acc[base + i] = acc[base + i]! + values[i]!;
    count[base + i] = count[base + i]! + has[i]!;
  }
}

/** Most k per step a topk/bottomk may keep before it is evaluated node by node instead. */
export const TOPK_CELLS = 5_000_000;

interface TopGroup {
  /** Per step, the best so far, best first: member index and value (k slots per step). */
  idx: Int32Array;
  val: Float64Array;
  count: Int32Array;
}

/**
 * topk and bottomk, fed series by series: per group and step the k best so far, by value, a NaN
 * never before a number, equal values in label order (as Prometheus's storage returns series).
 * The result is the same whatever order the series come in.
 */
export class TopkAccumulator {
  private readonly groups = new Map<string, TopGroup>();
  private readonly labels: Labels[] = [];
  private readonly k: Int32Array;
  private readonly width: number;
  private readonly sign: number;

  /** `kAt`: k per step; `most`: how many series can come at most (bounds the slots). */
  constructor(private readonly e: AggregateExpr, kAt: Float64Array, private readonly n: number, most: number) {
    this.sign = e.op === 'topk' ? 1 : e.op === 'bottomk' ? -1 : 0;
    if (this.sign === 0) throw new QueryError('internal', `aggregation ${e.op} is not topk/bottomk`);
    this.k = Int32Array.from(kAt, (k) => (k >= 1 ? Math.min(Math.trunc(k), most) : 0));
    this.width = Math.max(1, ...this.k);
  }

  private before(va: number, a: number, vb: number, b: number): boolean {
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(vb) && (!Number.isNaN(va) || compareLabels(this.labels[a]!, this.labels[b]!) < 0);
    return va === vb ? compareLabels(this.labels[a]!, this.labels[b]!) < 0 : this.sign * (va - vb) > 0;
  }

  add(labels: Labels, values: Float64Array, has: Uint8Array): void {
    const me = this.labels.push(labels) - 1;
    const key = labelsKey(grouping(this.e, labels));
    let g = this.groups.get(key);
    if (!g) {
      g = { idx: new Int32Array(this.n * this.width), val: new Float64Array(this.n * this.width), count: new Int32Array(this.n) };
      this.groups.set(key, g);
    }
    const { idx, val, count } = g;
    const width = this.width;
    for (let i = 0; i < this.n; i++) {
      const k = this.k[i]!;
      if (!has[i] || k === 0) continue;
      const x = values[i]!;
      const base = i * width;
      const c = count[i]!;
      if (c === k && !this.before(x, me, val[base + k - 1]!, idx[base + k - 1]!)) continue;
      let at = c < k ? c : k - 1;
      if (c < k) count[i] = c + 1;
      while (at > 0 && this.before(x, me, val[base + at - 1]!, idx[base + at - 1]!)) {
        val[base + at] = val[base + at - 1]!;
        idx[base + at] = idx[base + at - 1]!;
        at--;
      }
      val[base + at] = x;
      idx[base + at] = me;
    }
  }

  series(): StepSeries[] {
    const builder = new SeriesBuilder(this.n);
    const keys = new Map<number, string>();
    const keyOf = (m: number) => {
      let k = keys.get(m);
      if (k === undefined) keys.set(m, (k = labelsKey(this.labels[m]!)));
      return k;
    };
    for (let i = 0; i < this.n; i++) {
      for (const g of this.groups.values()) {
        for (let j = 0; j < g.count[i]!; j++) {
          const m = g.idx[i * this.width + j]!;
          builder.add(this.labels[m]!, i, g.val[i * this.width + j]!, keyOf(m));
        }
      }
    }
    return builder.series();
  }
}
