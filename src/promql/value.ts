import type { Labels } from '../storage/interface.js';

/** One series of an instant-vector expression over all evaluation steps (dense). */
export interface StepSeries {
  labels: Labels;
  values: Float64Array;
  /** 1 where the series has a value at the step. */
  has: Uint8Array;
}

/** Raw samples of one series (a range vector), staleness markers removed. */
export interface RawSeries {
  labels: Labels;
  times: Float64Array;
  values: Float64Array;
}

export type Value =
  | { type: 'scalar'; values: Float64Array }
  | { type: 'vector'; series: StepSeries[] }
  | { type: 'string'; value: string }
  | { type: 'matrix'; series: RawSeries[] };

/** A label set's identity: its sorted pairs. */
export function labelsKey(l: Labels): string {
  const names = Object.keys(l).sort();
  let key = '';
  for (const n of names) key += `${n}\xff${l[n]}\xfe`;
  return key;
}

/** Prometheus's label-set order (labels.Compare): pair by pair in name order, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
    const av = a[an[i]!]!;
    const bv = b[bn[i]!]!;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}

export function withoutName(l: Labels): Labels {
  return '__name__' in l ? omit(l, ['__name__']) : l;
}

/** A copy of `l` without the given label names. */
export function omit(l: Labels, names: readonly string[]): Labels {
  return Object.fromEntries(Object.entries(l).filter(([k]) => !names.includes(k)));
}

/** A copy of `l` with `name` set to `value`, or removed when `value` is empty (or undefined). */
export function setLabel(l: Labels, name: string, value: string | undefined): Labels {
  return value === undefined || value === '' ? omit(l, [name]) : { ...l, [name]: value };
}

/** Collects step values into series keyed by label set; refuses two values for one step. */
export class SeriesBuilder {
  private readonly byKey = new Map<string, StepSeries>();

  constructor(private readonly steps: number) {}

  add(labels: Labels, step: number, value: number, key = labelsKey(labels)): void {
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels, values: new Float64Array(this.steps), has: new Uint8Array(this.steps) };
      this.byKey.set(key, s);
    }
    if (s.has[step]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    s.values[step] = value;
    s.has[step] = 1;
  }

  series(): StepSeries[] {
    return [...this.byKey.values()];
  }
}

/**
 * Series whose label sets became equal (a dropped metric name) become one series; equal label
 * sets with values at the same step are Prometheus's "same labelset" error.
 */
export function mergeSameLabels(series: StepSeries[], n: number): StepSeries[] {
  const keys = series.map((s) => labelsKey(s.labels));
  if (new Set(keys).size === keys.length) return series;
  const builder = new SeriesBuilder(n);
  series.forEach((s, k) => {
    for (let i = 0; i < n; i++) if (s.has[i]) builder.add(s.labels, i, s.values[i]!, keys[k]);
  });
  return builder.series();
}

/** A query failure in Prometheus's error types. */
export class QueryError extends Error {
  constructor(
    readonly type: 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal',
    message: string,
    /** A configured query limit was hit. */
    readonly limit = false,
  ) {
    super(message);
  }
}

export function formatLabels(l: Labels): string {
  return `{${Object.keys(l).sort().map((k) => `${k}="${l[k]}"`).join(', ')}}`;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64), as Prometheus writes sample values (API, count_values). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  if (Number.isInteger(v)) return BigInt(v).toString();
  const [mant, exp] = s.split('e') as [string, string];
  const digits = mant.replace('-', '').replace('.', '');
  const zeros = -Number(exp) - 1;
  return `${v < 0 ? '-' : ''}0.${'0'.repeat(zeros)}${digits}`;
}
