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
    const rank = new Map(input.map((s, idx) => [idx, idx]));
    [...input.keys()].sort((a, b) => compareLabels(input[a]!.labels, input[b]!.labels)).forEach((idx, r) => rank.set(idx, r));
    for (let i = 0; i < n; i++) {
      const k = Math.trunc(scalarParam![i]!);
      if (!(k >= 1)) continue;
      for (const g of groups.values()) {
        const present = g.members.filter((idx) => input[idx]!.has[i]);
        const value = (idx: number) => input[idx]!.values[i]!;
        // NaN sorts last for both: it is never preferred over a number.
        present.sort((a, b) => {
          const va = value(a);
          const vb = value(b);
          if (Number.isNaN(va) || Number.isNaN(vb)) {
            if (Number.isNaN(va) && Number.isNaN(vb)) return rank.get(a)! - rank.get(b)!;
            return Number.isNaN(va) ? 1 : -1;
          }
          return (e.op === 'topk' ? vb - va : va - vb) || rank.get(a)! - rank.get(b)!;
        });
        for (const idx of present.slice(0, k)) builder.add(input[idx]!.labels, i, value(idx), keys[idx]);
      }
    }
    return { type: 'vector', series: builder.series() };
  }
  for (const [key, g] of groups) {
    for (let i = 0; i < n; i++) {
      const vals: number[] = [];
      for (const idx of g.members) if (input[idx]!.has[i]) vals.push(input[idx]!.values[i]!);
      if (vals.length === 0) continue;
      builder.add(g.labels, i, reduce(e.op, vals, scalarParam?.[i]), key);
    }
  }
  return { type: 'vector', series: builder.series() };
}

function reduce(op: AggregateExpr['op'], vals: number[], param: number | undefined): number {
  switch (op) {
    case 'sum': return vals.reduce((a, b) => a + b, 0);
    case 'count': return vals.length;
    case 'group': return 1;
    case 'min': return vals.reduce((a, b) => (b < a || Number.isNaN(a) ? b : a));
    case 'max': return vals.reduce((a, b) => (b > a || Number.isNaN(a) ? b : a));
    case 'avg': return incrementalMean(vals, 0, vals.length)!;
    case 'stdvar': return variance(vals, 0, vals.length)!;
    case 'stddev': return Math.sqrt(variance(vals, 0, vals.length)!);
    case 'quantile': return quantile(param!, vals);
    default: throw new QueryError('internal', `aggregation ${op}`);
  }
}
