import type { Labels } from '../storage/interface.js';
import type { AggregateExpr } from './ast.js';
import type { Annotations } from './annotations.js';
import { GroupAccumulator, grouping, isStreamable, TopkAccumulator } from './accumulate.js';
import { quantile, variance } from './functions-range.js';
import { formatValue, labelsKey, QueryError, SeriesBuilder, type StepSeries, type Value } from './value.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function aggregate(e: AggregateExpr, input: StepSeries[], param: Value | undefined, n: number, notes: Annotations): Value {
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
  if (e.op === 'quantile' && scalarParam) notes.quantile(scalarParam);
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
    const acc = new TopkAccumulator(e, scalarParam!, n, input.length);
    for (const s of input) acc.add(s.labels, s.values, s.has);
    return { type: 'vector', series: acc.series() };
  }
  if (isStreamable(e.op)) {
    const acc = new GroupAccumulator(e, n);
    for (const s of input) acc.add(s.labels, s.values, s.has);
    return { type: 'vector', series: acc.series() };
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

function reduce(op: AggregateExpr['op'], vals: number[], param: number | undefined): number {
  switch (op) {
    case 'stdvar': return variance(vals, 0, vals.length)!;
    case 'stddev': return Math.sqrt(variance(vals, 0, vals.length)!);
    case 'quantile': return quantile(param!, vals);
    default: throw new QueryError('internal', `aggregation ${op}`);
  }
}
