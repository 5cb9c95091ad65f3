/**
 * Functions over a range of raw samples (one series, one window), as Prometheus 2.x computes
 * them (promql/functions.go). `t`/`v` hold the window's samples in [from, to); `rangeStart` and
 * `rangeEnd` are the window's bounds (ms), used by the extrapolating functions.
 */
export interface Window {
  t: Float64Array;
  v: Float64Array;
  from: number;
  to: number;
  rangeStart: number;
  rangeEnd: number;
  rangeMs: number;
  /** Per-series prefix sums, built on first use and kept while the window slides over one series. */
  memo: SeriesMemo;
}

/**
 * Compensated prefix sums of a series' values (hi + lo holds each running sum to about twice
 * double precision) and a running count of non-finite values: the sum over a long window costs
 * O(1) per step instead of a pass over the window.
 */
interface PrefixSums {
  hi: Float64Array;
  lo: Float64Array;
  nonFinite: Int32Array;
}

/**
 * What a window sliding over one series computes once for all its steps, in arrays reused from
 * one series to the next (a query's series would otherwise allocate megabytes of them).
 */
export class SeriesMemo {
  private resetSums = new Float64Array(0);
  private hasResets = false;
  private sums: PrefixSums = { hi: new Float64Array(0), lo: new Float64Array(0), nonFinite: new Int32Array(0) };
  private hasSums = false;

  /** Forgets the previous series. */
  clear(): void {
    this.hasResets = false;
    this.hasSums = false;
  }

  /**
   * resets[i] = the sum of the values before each counter reset up to sample i: the correction
   * rate() adds for the resets inside a window is resets[to - 1] - resets[from], so each step
   * costs O(1) instead of a pass over the window.
   */
  resets(v: Float64Array): Float64Array {
    if (this.hasResets) return this.resetSums;
    if (this.resetSums.length < v.length) this.resetSums = new Float64Array(v.length * 2);
    const out = this.resetSums;
    let sum = 0;
    out[0] = 0;
    for (let i = 1; i < v.length; i++) {
      if (v[i]! < v[i - 1]!) sum += v[i - 1]!;
      out[i] = sum;
    }
    this.hasResets = true;
    return out;
  }

  prefixSums(v: Float64Array): PrefixSums {
    if (this.hasSums) return this.sums;
    const n = v.length;
    if (this.sums.hi.length < n + 1) this.sums = { hi: new Float64Array(n * 2 + 1), lo: new Float64Array(n * 2 + 1), nonFinite: new Int32Array(n * 2 + 1) };
    const { hi, lo, nonFinite } = this.sums;
    let h = 0;
    let l = 0;
    let bad = 0;
    hi[0] = 0;
    lo[0] = 0;
    nonFinite[0] = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (Number.isFinite(x)) {
        // TwoSum: s + err = h + x exactly.
        const sum = h + x;
        const bp = sum - h;
        l += h - (sum - bp) + (x - bp);
        h = sum;
      } else bad++;
      hi[i + 1] = h;
      lo[i + 1] = l;
      nonFinite[i + 1] = bad;
    }
    this.hasSums = true;
    return this.sums;
  }
}

/** Windows shorter than this are summed directly, in order, exactly as Prometheus does. */
const PREFIX_MIN_WINDOW = 32;

/**
 * The sum of the window's values, or undefined when it must be summed directly (short window,
 * a non-finite value in it, or a running sum out of range).
 */
function windowSum(w: Window): number | undefined {
  if (w.to - w.from < PREFIX_MIN_WINDOW) return undefined;
  const p = w.memo.prefixSums(w.v);
  if (p.nonFinite[w.to] !== p.nonFinite[w.from]) return undefined;
  const sum = p.hi[w.to]! - p.hi[w.from]! + (p.lo[w.to]! - p.lo[w.from]!);
  return Number.isFinite(sum) ? sum : undefined;
}

export type RangeFn = (w: Window, args: number[]) => number | undefined;

function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  if (w.to - w.from < 2) return undefined;
  return extrapolated(w.t, w.v, w.from, w.to, w.rangeStart, w.rangeEnd, w.rangeMs, isCounter ? w.memo.resets(w.v) : undefined, isRate);
}

/**
 * Prometheus's extrapolatedRate over samples [from, to) (at least 2) of the window
 * [rangeStart, rangeEnd]; `resets` (prefix reset corrections) marks a counter.
 */
function extrapolated(t: Float64Array, v: Float64Array, from: number, to: number, rangeStart: number, rangeEnd: number, rangeMs: number, resets: Float64Array | undefined, isRate: boolean): number {
  const n = to - from;
  const first = v[from]!;
  const last = v[to - 1]!;
  let result = last - first;
  // A negative first value is no reset (Prometheus compares it with 0).
  if (resets) result += resets[to - 1]! - resets[from]!;
  let durationToStart = (t[from]! - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - t[to - 1]!) / 1000;
  const sampledInterval = (t[to - 1]! - t[from]!) / 1000;
  if (resets && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  return result * extrapolationFactor(durationToStart, durationToEnd, sampledInterval, n, rangeMs, isRate);
}

/** What extrapolatedRate multiplies the window's increase by (durations in seconds). */
function extrapolationFactor(durationToStart: number, durationToEnd: number, sampledInterval: number, n: number, rangeMs: number, isRate: boolean): number {
  const averageBetween = sampledInterval / (n - 1);
  const threshold = averageBetween * 1.1;
  let interval = sampledInterval;
  interval += durationToStart < threshold ? durationToStart : averageBetween / 2;
  interval += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  let factor = interval / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return factor;
}

/**
 * A range function over every step of one series at once, for the hottest functions: each step's
 * window [ref - rangeMs, ref] (ref = the step's time - offsetMs) is found while sweeping forward.
 * With `into` false each step's value goes to values/flags (both 0 where there is none); with
 * `into` true it is added to a group's running sums (values += x, counts += 1), as sum, count and
 * group fold their members. True if any step has a value.
 */
export type Sweep = (t: Float64Array, v: Float64Array, memo: SeriesMemo, steps: readonly number[], offsetMs: number, rangeMs: number, into: boolean, values: Float64Array, flags: Uint8Array, counts: Float64Array) => boolean;

function extrapolatedSweep(isCounter: boolean, isRate: boolean): Sweep {
  return (t, v, memo, steps, offsetMs, rangeMs, into, values, flags, counts) => {
    const resets = isCounter ? memo.resets(v) : undefined;
    const n = t.length;
    // Regular scrapes give most steps the same window geometry (sample count, first and last
    // sample's distance to the window's edges), hence the same extrapolation factor: it is
    // computed once per geometry with Prometheus's own operations, so results stay exact.
    let gN = -1;
    let gStart = 0;
    let gEnd = 0;
    let gSampled = 0;
    let gFactor = 0;
    let any = false;
    let a = 0;
    let b = 0;
    for (let i = 0; i < steps.length; i++) {
      const end = steps[i]! - offsetMs;
      const start = end - rangeMs;
      while (a < n && t[a]! < start) a++;
      if (b < a) b = a;
      while (b < n && t[b]! <= end) b++;
      if (b - a < 2) {
        if (!into) {
          values[i] = 0;
          flags[i] = 0;
        }
        continue;
      }
      any = true;
      const toStart = t[a]! - start;
      const toEnd = end - t[b - 1]!;
      const sampled = t[b - 1]! - t[a]!;
      const first = v[a]!;
      let result = v[b - 1]! - first;
      let x: number;
      if (resets) result += resets[b - 1]! - resets[a]!;
      // Counters may extrapolate to zero instead of the window's start: the cached factor holds
      // only when that cannot apply (sampled·first/result ≥ toStart, with a margin for rounding).
      if (resets && result > 0 && first >= 0 && sampled * first <= toStart * result * (1 + 1e-9)) x = extrapolated(t, v, a, b, start, end, rangeMs, resets, isRate);
      else {
        if (b - a !== gN || toStart !== gStart || toEnd !== gEnd || sampled !== gSampled) {
          gN = b - a;
          gStart = toStart;
          gEnd = toEnd;
          gSampled = sampled;
          gFactor = extrapolationFactor(toStart / 1000, toEnd / 1000, sampled / 1000, gN, rangeMs, isRate);
        }
        x = result * gFactor;
      }
      if (into) {
        values[i] = values[i]! + x;
        counts[i] = counts[i]! + 1;
      } else {
        values[i] = x;
        flags[i] = 1;
      }
    }
    return any;
  };
}

export const SWEEPS: Record<string, Sweep> = {
  rate: extrapolatedSweep(true, true),
  increase: extrapolatedSweep(true, false),
  delta: extrapolatedSweep(false, false),
};

function instantValue(w: Window, isRate: boolean): number | undefined {
  const { t, v, from, to } = w;
  if (to - from < 2) return undefined;
  const last = v[to - 1]!;
  const prev = v[to - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  if (isRate) {
    const dt = t[to - 1]! - t[to - 2]!;
    if (dt === 0) return undefined;
    result /= dt / 1000;
  }
  return result;
}

/** Least squares slope and intercept of v over t (seconds relative to `at`). */
function linearRegression(w: Window, atMs: number): [number, number] | undefined {
  const { t, v, from, to } = w;
  const n = to - from;
  if (n < 2) return undefined;
  let sumX = 0;
  let sumY = 0;
  let sumXY = 0;
  let sumX2 = 0;
  let constY = true;
  const init = v[from]!;
  for (let i = from; i < to; i++) {
    const x = (t[i]! - atMs) / 1000;
    const y = v[i]!;
    if (y !== init) constY = false;
    sumX += x;
    sumY += y;
    sumXY += x * y;
    sumX2 += x * x;
  }
  if (constY) return [0, init];
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

function over(w: Window, f: (acc: number, x: number, i: number) => number, init: number): number | undefined {
  if (w.to === w.from) return undefined;
  let acc = init;
  for (let i = w.from; i < w.to; i++) acc = f(acc, w.v[i]!, i);
  return acc;
}

/** Population variance by Welford's update, as Prometheus computes stdvar and stdvar_over_time. */
export function variance(values: ArrayLike<number>, from: number, to: number): number | undefined {
  if (to === from) return undefined;
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = from; i < to; i++) {
    count++;
    const x = values[i]!;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  return m2 / count;
}

export function quantile(q: number, values: number[]): number {
  if (values.length === 0) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/**
 * The mean of values[from, to): a plain sum divided by the count while the sum stays finite (as
 * Prometheus 3 does; the same within floating-point rounding as 2.x's incremental mean), else
 * the incremental mean, which does not overflow (an infinite mean stays).
 */
export function incrementalMean(values: ArrayLike<number>, from: number, to: number): number | undefined {
  if (to === from) return undefined;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  if (Number.isFinite(sum) || Number.isNaN(sum)) return sum / (to - from);
  let m = 0;
  for (let i = from; i < to; i++) m = nextMean(m, values[i]!, i - from + 1);
  return m;
}

/** Prometheus's incremental mean after taking in `x` as value number `count`. */
export function nextMean(m: number, x: number, count: number): number {
  if (!Number.isFinite(m) && !Number.isNaN(m)) {
    if (!Number.isFinite(x) && !Number.isNaN(x) && m > 0 === x > 0) return m;
    if (Number.isFinite(x)) return m;
  }
  return m + (x / count - m / count);
}

export const RANGE_FUNCTIONS: Record<string, RangeFn> = {
  rate: (w) => extrapolatedRate(w, true, true),
  increase: (w) => extrapolatedRate(w, true, false),
  delta: (w) => extrapolatedRate(w, false, false),
  irate: (w) => instantValue(w, true),
  idelta: (w) => instantValue(w, false),
  deriv: (w) => linearRegression(w, w.t[w.from]!)?.[0],
  predict_linear: (w, [duration]) => {
    const r = linearRegression(w, w.rangeEnd);
    return r ? r[0] * duration! + r[1] : undefined;
  },
  changes: (w) => over(w, (acc, x, i) => (i > w.from && !(x === w.v[i - 1]! || (Number.isNaN(x) && Number.isNaN(w.v[i - 1]!))) ? acc + 1 : acc), 0),
  resets: (w) => over(w, (acc, x, i) => (i > w.from && x < w.v[i - 1]! ? acc + 1 : acc), 0),
  avg_over_time: (w) => {
    const sum = windowSum(w);
    return sum === undefined ? incrementalMean(w.v, w.from, w.to) : sum / (w.to - w.from);
  },
  sum_over_time: (w) => windowSum(w) ?? over(w, (acc, x) => acc + x, 0),
  count_over_time: (w) => (w.to > w.from ? w.to - w.from : undefined),
  min_over_time: (w) => over(w, (acc, x) => (x < acc || Number.isNaN(acc) ? x : acc), w.v[w.from]!),
  max_over_time: (w) => over(w, (acc, x) => (x > acc || Number.isNaN(acc) ? x : acc), w.v[w.from]!),
  last_over_time: (w) => (w.to > w.from ? w.v[w.to - 1]! : undefined),
  present_over_time: (w) => (w.to > w.from ? 1 : undefined),
  stdvar_over_time: (w) => variance(w.v, w.from, w.to),
  stddev_over_time: (w) => {
    const r = variance(w.v, w.from, w.to);
    return r === undefined ? undefined : Math.sqrt(r);
  },
  quantile_over_time: (w, [q]) => (w.to > w.from ? quantile(q!, Array.from(w.v.subarray(w.from, w.to))) : undefined),
  mad_over_time: (w) => {
    if (w.to === w.from) return undefined;
    const vals = Array.from(w.v.subarray(w.from, w.to));
    const median = quantile(0.5, vals);
    return quantile(0.5, vals.map((x) => Math.abs(x - median)));
  },
  holt_winters: (w, args) => doubleExponentialSmoothing(w, args),
  double_exponential_smoothing: (w, args) => doubleExponentialSmoothing(w, args),
};

function doubleExponentialSmoothing(w: Window, [sf, tf]: number[]): number | undefined {
  const n = w.to - w.from;
  if (n < 2) return undefined;
  const v = w.v;
  let s0 = 0;
  let s1 = v[w.from]!;
  let b = v[w.from + 1]! - v[w.from]!;
  for (let i = 1; i < n; i++) {
    const x = v[w.from + i]!;
    if (i > 1) b = tf! * (s1 - s0) + (1 - tf!) * b;
    s0 = s1;
    s1 = sf! * x + (1 - sf!) * (s1 + b);
  }
  return s1;
}
