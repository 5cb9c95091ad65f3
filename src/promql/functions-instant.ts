import type { Labels } from '../storage/interface.js';
import type { Annotations } from './annotations.js';
import { compileRegex } from './regex.js';
import { unwrapParen, type Call } from './ast.js';
import { absentLabels, type Evaluator } from './engine.js';
import { labelsKey, mergeSameLabels, omit, QueryError, SeriesBuilder, setLabel, type StepSeries, type Value, withoutName } from './value.js';

const MATH: Record<string, (x: number) => number> = {
  abs: Math.abs, ceil: Math.ceil, floor: Math.floor, exp: Math.exp, sqrt: Math.sqrt,
  ln: Math.log, log2: Math.log2, log10: Math.log10,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  acos: Math.acos, acosh: Math.acosh, asin: Math.asin, asinh: Math.asinh, atan: Math.atan, atanh: Math.atanh,
  cos: Math.cos, cosh: Math.cosh, sin: Math.sin, sinh: Math.sinh, tan: Math.tan, tanh: Math.tanh,
  deg: (x) => (x * 180) / Math.PI, rad: (x) => (x * Math.PI) / 180,
};

const DATE: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

function mapValues(series: StepSeries[], f: (x: number, i: number) => number): StepSeries[] {
  const out = series.map((s) => ({ labels: withoutName(s.labels), values: s.values.map((x, i) => (s.has[i] ? f(x, i) : 0)), has: s.has }));
  return mergeSameLabels(out, series[0]?.has.length ?? 0);
}

/** Functions over instant vectors and scalars (everything but the range functions). */
export function callInstant(e: Call, ev: Evaluator): Value {
  const n = ev.n;
  const vec = (i: number) => ev.vector(e.args[i]!);
  const sc = (i: number) => ev.scalar(e.args[i]!);
  const str = (i: number) => {
    const v = ev.eval(e.args[i]!);
    if (v.type !== 'string') throw new QueryError('internal', 'expected a string');
    return v.value;
  };
  const math = MATH[e.func];
  if (math) return { type: 'vector', series: mapValues(vec(0), math) };
  const date = DATE[e.func];
  if (date) {
    const input = e.args.length > 0 ? vec(0) : [{ labels: {}, values: Float64Array.from(ev.steps, (t) => t / 1000), has: new Uint8Array(n).fill(1) }];
    return { type: 'vector', series: mapValues(input, (x) => (Number.isFinite(x) ? date(new Date(x * 1000)) : NaN)) };
  }
  switch (e.func) {
    case 'time': return { type: 'scalar', values: Float64Array.from(ev.steps, (t) => t / 1000) };
    case 'pi': return { type: 'scalar', values: new Float64Array(n).fill(Math.PI) };
    case 'vector': return { type: 'vector', series: [{ labels: {}, values: Float64Array.from(sc(0)), has: new Uint8Array(n).fill(1) }] };
    case 'scalar': {
      const input = vec(0);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const present = input.filter((s) => s.has[i]);
        out[i] = present.length === 1 ? present[0]!.values[i]! : NaN;
      }
      return { type: 'scalar', values: out };
    }
    case 'absent': {
      const input = vec(0);
      const has = new Uint8Array(n);
      for (let i = 0; i < n; i++) has[i] = input.some((s) => s.has[i]) ? 0 : 1;
      const arg = unwrapParen(e.args[0]!);
      return { type: 'vector', series: has.some((h) => h === 1) ? [{ labels: absentLabels(arg.kind === 'vector' ? arg : undefined), values: new Float64Array(n).fill(1), has }] : [] };
    }
    case 'clamp': case 'clamp_min': case 'clamp_max': {
      const input = vec(0);
      const lo = e.func === 'clamp_max' ? undefined : sc(1);
      const hi = e.func === 'clamp' ? sc(2) : e.func === 'clamp_max' ? sc(1) : undefined;
      return {
        type: 'vector',
        series: mergeSameLabels(input.map((s) => {
          const has = Uint8Array.from(s.has, (h, i) => (h && !(lo && hi && hi[i]! < lo[i]!) ? 1 : 0));
          const values = s.values.map((x, i) => {
            let v = x;
            if (lo) v = Number.isNaN(lo[i]!) ? NaN : Math.max(lo[i]!, v);
            if (hi) v = Number.isNaN(hi[i]!) ? NaN : Math.min(hi[i]!, v);
            return Number.isNaN(x) ? NaN : v;
          });
          return { labels: withoutName(s.labels), values, has };
        }).filter((s) => s.has.some((h) => h === 1)), n),
      };
    }
    case 'round': {
      const to = e.args.length > 1 ? sc(1) : new Float64Array(n).fill(1);
      return { type: 'vector', series: mapValues(vec(0), (x, i) => Math.floor(x * (1 / to[i]!) + 0.5) / (1 / to[i]!)) };
    }
    case 'timestamp': {
      const arg = unwrapParen(e.args[0]!);
      if (arg.kind === 'vector') return { type: 'vector', series: mergeSameLabels(ev.selectInstant(arg, true).map((s) => ({ ...s, labels: withoutName(s.labels) })), n) };
      return { type: 'vector', series: mapValues(vec(0), (_x, i) => ev.steps[i]! / 1000) };
    }
    case 'sort': case 'sort_desc': {
      const input = vec(0);
      const desc = e.func === 'sort_desc';
      return { type: 'vector', series: [...input].sort((a, b) => order(a.values[0]!, b.values[0]!, desc)) };
    }
    case 'sort_by_label': case 'sort_by_label_desc': {
      const names = e.args.slice(1).map((_a, i) => str(i + 1));
      const sign = e.func === 'sort_by_label_desc' ? -1 : 1;
      return { type: 'vector', series: [...vec(0)].sort((a, b) => {
        for (const l of names) {
          const c = (a.labels[l] ?? '').localeCompare(b.labels[l] ?? '');
          if (c !== 0) return sign * c;
        }
        return 0;
      }) };
    }
    case 'label_replace': return relabel(vec(0), n, (l) => labelReplace(l, str(1), str(2), str(3), str(4)));
    case 'label_join': {
      const dst = str(1);
      const sep = str(2);
      const srcs = e.args.slice(3).map((_a, i) => str(i + 3));
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst)) throw new QueryError('execution', `invalid destination label name in label_join(): ${dst}`);
      return relabel(vec(0), n, (l) => setLabel(l, dst, srcs.map((s) => l[s] ?? '').join(sep)));
    }
    case 'histogram_quantile': return histogramQuantile(sc(0), vec(1), n, ev.ctx.notes);
    default: throw new QueryError('bad_data', `function "${e.func}" is not supported`);
  }
}

/** Prometheus's sort order: NaN first, then by value. */
function order(a: number, b: number, desc: boolean): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return desc ? b - a : a - b;
}

function labelReplace(l: Labels, dst: string, replacement: string, src: string, regex: string): Labels {
  let re: RegExp;
  try {
    re = compileRegex(regex);
  } catch {
    throw new QueryError('execution', `invalid regular expression in label_replace(): ${regex}`);
  }
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst)) throw new QueryError('execution', `invalid destination label name in label_replace(): ${dst}`);
  const m = re.exec(l[src] ?? '');
  if (!m) return l;
  // Go's regexp.Expand: $1, ${1}, ${name}; `$$` is a literal dollar.
  const value = replacement.replace(/\$(\$|\{(\w+)\}|(\d+)|([A-Za-z_]\w*))/g, (_all, dollar: string, braced?: string, num?: string, name?: string) => {
    if (dollar === '$') return '$';
    const ref = braced ?? num ?? name ?? '';
    const v = /^\d+$/.test(ref) ? m[Number(ref)] : m.groups?.[ref];
    return v ?? '';
  });
  return setLabel(l, dst, value);
}

/** Applies a label change to every series; two series ending up equal at one step is an error. */
function relabel(input: StepSeries[], n: number, f: (l: Labels) => Labels): Value {
  const builder = new SeriesBuilder(n);
  for (const s of input) {
    const labels = f(s.labels);
    const key = labelsKey(labels);
    for (let i = 0; i < n; i++) if (s.has[i]) builder.add(labels, i, s.values[i]!, key);
  }
  return { type: 'vector', series: builder.series() };
}

function histogramQuantile(q: Float64Array, input: StepSeries[], n: number, notes: Annotations): Value {
  notes.quantile(q);
  const groups = new Map<string, { labels: Labels; members: { le: number; s: StepSeries }[] }>();
  for (const s of input) {
    const le = s.labels.le;
    const bound = le === undefined ? NaN : le === '+Inf' || le === 'Inf' || le === 'inf' ? Infinity : Number(le);
    if (le === undefined || (Number.isNaN(bound) && le !== 'NaN')) {
      notes.badBucketLabel(s.labels);
      continue;
    }
    const rest = omit(s.labels, ['le', '__name__']);
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: rest, members: [] }));
    g.members.push({ le: bound, s });
  }
  const builder = new SeriesBuilder(n);
  const fixed = { monotonicity: false };
  for (const [key, g] of groups) {
    for (let i = 0; i < n; i++) {
      const buckets = g.members.filter((m) => m.s.has[i]).map((m) => ({ le: m.le, count: m.s.values[i]! }));
      if (buckets.length === 0) continue;
      fixed.monotonicity = false;
      builder.add(g.labels, i, bucketQuantile(q[i]!, buckets, fixed), key);
      if (fixed.monotonicity) notes.forcedMonotonicity(g.members[0]!.s.labels);
    }
  }
  return { type: 'vector', series: builder.series() };
}

/**
 * Prometheus's bucketQuantile over classic histogram buckets; `fixed.monotonicity` is set when a
 * bucket count had to be raised to its predecessor's.
 */
export function bucketQuantile(q: number, input: { le: number; count: number }[], fixed?: { monotonicity: boolean }): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].sort((a, b) => a.le - b.le);
  if (sorted.at(-1)!.le !== Infinity) return NaN;
  const buckets: { le: number; count: number }[] = [];
  for (const b of sorted) {
    const last = buckets.at(-1);
    if (last && last.le === b.le) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) {
      b.count = max;
      if (fixed) fixed.monotonicity = true;
    }
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets.at(-1)!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = buckets.findIndex((x, i) => i < buckets.length - 1 && x.count >= rank);
  if (b < 0) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  let start = 0;
  const end = buckets[b]!.le;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.le;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}
