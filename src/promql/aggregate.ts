import type { Labels } from '../storage/interface.js';
import type { AggregateExpr } from './ast.js';
import { incrementalMean, quantile, variance } from './functions-range.js';
import { compareLabels, formatValue, labelsKey, QueryError, SeriesBuilder, type StepSeries, type Value } from './value.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The group a series falls in, and the labels of that group's result. */
function grouping(e: AggregateExpr, l: Labels): Labels {
  if (e.without) {
    const drop = new Set([...e.grouping, '__name__']);
    return Object.fromEntries(Object.entries(l).filter(([k]) => !drop.has(k)));
  }
  const out: Record<string, string> = {};
  for (const k of e.grouping) if (l[k] !== undefined && l[k] !== '') out[k] = l[k];
  return out;
}

export function aggregate(e: AggregateExpr, input: StepSeries[], param: Value | undefined, n: number): Value {
  const groups = new Map<string, { labels: Labels; members: number[] }>();
  const groupOf: string[] = [];
  input.forEach((s, idx) => {
    const labels = grouping(e, s.labels);
    const key = labelsKey(labels);
    groupOf.push(key);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, members: [] }));
    g.members.push(idx);
  });
  const builder = new SeriesBuilder(n);
  const scalarParam = param?.type === 'scalar' ? param.values : undefined;
  if (e.op === 'count_values') {
    const label = param?.type === 'string' ? param.value : '';
    if (!LABEL_NAME.test(label)) throw new QueryError('execution', `invalid label name "${label}"`);
    for (let i = 0; i < n; i++) {
      const counts = new Map<string, { labels: Labels; count: number }>();
      for (const g of groups.values()) {
        for (const idx of g.members) {
          const s = input[idx]!;
          if (!s.has[i]) continue;
          const labels = { ...g.labels, [label]: formatValue(s.values[i]!) };
          const key = labelsKey(labels);
          const c = counts.get(key);
          if (c) c.count++;
          else counts.set(key, { labels, count: 1 });
        }
      }
      for (const [key, c] of counts) builder.add(c.labels, i, c.count, key);
    }
    return { type: 'vector', series: builder.series() };
  }
  if (e.op === 'topk' || e.op === 'bottomk') {
    const keys = input.map((s) => labelsKey(s.labels));
    // Prometheus keeps the first of equal values in label order (its storage returns series so).
    const rank = new Int32Array(input.length);
    [...input.keys()].sort((a, b) => compareLabels(input[a]!.labels, input[b]!.labels)).forEach((idx, r) => { rank[idx] = r; });
    const sign = e.op === 'topk' ? 1 : -1;
    for (let i = 0; i < n; i++) {
      const k = Math.trunc(scalarParam![i]!);
      if (!(k >= 1)) continue;
      const value = (idx: number) => input[idx]!.values[i]!;
      // a before b? NaN is never preferred over a number; ties go to the earlier in label order.
      const before = (a: number, b: number): boolean => {
        const va = value(a);
        const vb = value(b);
        if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(vb) && (!Number.isNaN(va) || rank[a]! < rank[b]!);
        return va === vb ? rank[a]! < rank[b]! : sign * (va - vb) > 0;
      };
      for (const g of groups.values()) {
        // The best k so far, best first (insertion: k is small next to the group).
        const best: number[] = [];
        for (const idx of g.members) {
          if (!input[idx]!.has[i]) continue;
          if (best.length === k && !before(idx, best[k - 1]!)) continue;
          let at = best.length < k ? best.length : k - 1;
          while (at > 0 && before(idx, best[at - 1]!)) at--;
          best.splice(at, 0, idx);
          if (best.length > k) best.pop();
        }
        for (const idx of best) builder.add(input[idx]!.labels, i, value(idx), keys[idx]);
      }
    }
    return { type: 'vector', series: builder.series() };
  }
  const op = e.op;
  if (op === 'sum' || op === 'count' || op === 'group' || op === 'avg' || op === 'min' || op === 'max') {
    return { type: 'vector', series: [...groups.values()].map((g) => streamed(op, g.labels, g.members.map((idx) => input[idx]!), n)).filter((s) => s.has.some((h) => h === 1)) };
  }
  const vals: number[] = [];
  for (const [key, g] of groups) {
    const members = g.members.map((idx) => input[idx]!);
    for (let i = 0; i < n; i++) {
      vals.length = 0;
      for (const m of members) if (m.has[i]) vals.push(m.values[i]!);
      if (vals.length === 0) continue;
      builder.add(g.labels, i, reduce(e.op, vals, scalarParam?.[i]), key);
    }
  }
  return { type: 'vector', series: builder.series() };
}

/**
 * sum, count, group, avg, min and max of one group, member by member over all steps (no
 * per-step lists). Members are taken in the same order as Prometheus, so min/max pick the same
 * value among NaNs; avg is the sum over the count (Prometheus 3's way, equal within rounding).
 */
function streamed(op: 'sum' | 'count' | 'group' | 'avg' | 'min' | 'max', labels: Labels, members: StepSeries[], n: number): StepSeries {
  const acc = new Float64Array(n);
  const count = new Float64Array(n);
  for (const m of members) {
    const v = m.values;
    const has = m.has;
    for (let i = 0; i < n; i++) {
      if (!has[i]) continue;
      const x = v[i]!;
      const c = count[i]!;
      if (op === 'min') acc[i] = c === 0 || x < acc[i]! || Number.isNaN(acc[i]!) ? x : acc[i]!;
      else if (op === 'max') acc[i] = c === 0 || x > acc[i]! || Number.isNaN(acc[i]!) ? x : acc[i]!;
      else acc[i] = acc[i]! + x;
      count[i] = c + 1;
    }
  }
  const has = Uint8Array.from(count, (c) => (c > 0 ? 1 : 0));
  let values = acc;
  if (op === 'count') values = count;
  else if (op === 'group') values = Float64Array.from(count, (c) => (c > 0 ? 1 : 0));
  else if (op === 'avg') {
    // An overflowing sum falls back to the incremental mean, as Prometheus does.
    values = acc.map((sum, i) => (count[i]! === 0 ? 0 : Number.isFinite(sum) || Number.isNaN(sum) ? sum / count[i]! : incrementalMean(members.filter((m) => m.has[i]).map((m) => m.values[i]!), 0, count[i]!)!));
  }
  return { labels, values, has };
}

function reduce(op: AggregateExpr['op'], vals: number[], param: number | undefined): number {
  switch (op) {
    case 'stdvar': return variance(vals, 0, vals.length)!;
    case 'stddev': return Math.sqrt(variance(vals, 0, vals.length)!);
    case 'quantile': return quantile(param!, vals);
    default: throw new QueryError('internal', `aggregation ${op}`);
  }
}
