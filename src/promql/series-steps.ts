import { STALE_FLAG, type SeriesSamples } from '../storage/interface.js';
import type { AtModifier, VectorSelector } from './ast.js';
import { RANGE_FUNCTIONS, type RangeFn, SeriesMemo, type Sweep, SWEEPS, type Window } from './functions-range.js';
import type { RawSeries } from './value.js';

const NO_COUNTS = new Float64Array(0);
const NO_FLAGS = new Uint8Array(0);

/** The evaluation steps (ms) and what resolves `@ start()` / `@ end()`. */
export interface Grid {
  steps: readonly number[];
  query: { start: number; end: number };
}

export function atTime(at: AtModifier | undefined, query: Grid['query']): number | undefined {
  return at === 'start' ? query.start : at === 'end' ? query.end : at;
}

/**
 * An instant selector over one series: per step the newest sample within the lookback window,
 * unless it is a staleness marker. Writes every step of `values`/`has` (0 where there is no
 * value); true if any step has a value. `times`: the samples' timestamps (seconds) instead of their values.
 */
export function instantSteps(s: SeriesSamples, sel: VectorSelector, grid: Grid, lookbackMs: number, times: boolean, values: Float64Array, has: Uint8Array): boolean {
  const at = atTime(sel.at, grid.query);
  const ts = s.timestamps;
  const vs = s.values;
  const flags = s.flags;
  const steps = grid.steps;
  const n = ts.length;
  // With `@` every step reads the same sample: the first step's, copied.
  const count = at === undefined ? steps.length : Math.min(1, steps.length);
  let any = false;
  let j = 0;
  for (let i = 0; i < count; i++) {
    const ref = (at ?? steps[i]!) - sel.offsetMs;
    while (j < n && ts[j]! <= ref) j++;
    const k = j - 1;
    if (k < 0 || ts[k]! < ref - lookbackMs || (flags[k]! & STALE_FLAG) !== 0) {
      values[i] = 0;
      has[i] = 0;
      continue;
    }
    values[i] = times ? ts[k]! / 1000 : vs[k]!;
    has[i] = 1;
    any = true;
  }
  if (count < steps.length) {
    values.fill(values[0]!, 0, steps.length);
    has.fill(has[0]!, 0, steps.length);
  }
  return any;
}

/**
 * instantSteps added straight into running sums (sum/count/group streamed): per step with a value,
 * `acc += value` and `count += 1`. False, having added nothing, for an `@` selector (the caller
 * then takes the general way).
 */
export function instantStepsInto(s: SeriesSamples, sel: VectorSelector, grid: Grid, lookbackMs: number, acc: Float64Array, count: Float64Array): boolean {
  if (sel.at !== undefined) return false;
  const ts = s.timestamps;
  const vs = s.values;
  const flags = s.flags;
  const steps = grid.steps;
  const offset = sel.offsetMs;
  const n = ts.length;
  let j = 0;
  for (let i = 0; i < steps.length; i++) {
    const ref = steps[i]! - offset;
    while (j < n && ts[j]! <= ref) j++;
    const k = j - 1;
    if (k < 0 || ts[k]! < ref - lookbackMs || (flags[k]! & STALE_FLAG) !== 0) continue;
    acc[i] = acc[i]! + vs[k]!;
    count[i]!++;
  }
  return true;
}

/** A series' samples without staleness markers (the stored arrays themselves when it has none). */
export function withoutStale(s: SeriesSamples): RawSeries {
  const n = s.timestamps.length;
  let stale = 0;
  for (let i = 0; i < n; i++) stale += s.flags[i]! & STALE_FLAG;
  if (stale === 0) return { labels: s.labels, times: s.timestamps, values: s.values };
  const times = new Float64Array(n - stale);
  const values = new Float64Array(n - stale);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if ((s.flags[i]! & STALE_FLAG) !== 0) continue;
    times[k] = s.timestamps[i]!;
    values[k] = s.values[i]!;
    k++;
  }
  return { labels: s.labels, times, values };
}

/**
 * A range function (rate, *_over_time, …) over one series at every step: the window of each
 * step slides forward over the samples. Scalar arguments are given per step.
 */
export class RangeStepper {
  private readonly fn: RangeFn | undefined;
  private readonly argsAt: number[][] | undefined;
  private readonly noArgs: number[] = [];
  private readonly at: number | undefined;
  private readonly sweep: Sweep | undefined;
  /** Per step: the window's samples [from, to) and its end (ms), reused series to series. */
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  private readonly ends: Float64Array;
  private readonly memo = new SeriesMemo();

  constructor(func: string, private readonly rangeMs: number, private readonly offsetMs: number, at: AtModifier | undefined, private readonly grid: Grid, scalars: readonly Float64Array[]) {
    this.fn = RANGE_FUNCTIONS[func];
    this.sweep = SWEEPS[func];
    const n = grid.steps.length;
    this.from = new Int32Array(n);
    this.to = new Int32Array(n);
    this.ends = new Float64Array(n);
    this.at = atTime(at, grid.query);
    this.argsAt = scalars.length > 0 ? grid.steps.map((_, i) => scalars.map((x) => x[i]!)) : undefined;
  }

  /**
   * Fills `values`/`has` for series `s`; true if any step has a value. `present` (if given) gets
   * a 1 at each step whose window holds a sample (absent_over_time).
   */
  run(s: RawSeries, values: Float64Array, has: Uint8Array, present?: Uint8Array): boolean {
    this.memo.clear();
    if (this.sweep && !present && this.at === undefined) return this.sweep(s.times, s.values, this.memo, this.grid.steps, this.offsetMs, this.rangeMs, false, values, has, NO_COUNTS);
    this.bounds(s.times);
    const { fn, rangeMs, argsAt, noArgs, from, to, ends } = this;
    const w: Window = { t: s.times, v: s.values, from: 0, to: 0, rangeStart: 0, rangeEnd: 0, rangeMs, memo: this.memo };
    let any = false;
    for (let i = 0; i < from.length; i++) {
      values[i] = 0;
      has[i] = 0;
      if (present && to[i]! > from[i]!) present[i] = 1;
      if (!fn) continue;
      w.from = from[i]!;
      w.to = to[i]!;
      w.rangeEnd = ends[i]!;
      w.rangeStart = w.rangeEnd - rangeMs;
      const r = fn(w, argsAt?.[i] ?? noArgs);
      if (r === undefined) continue;
      values[i] = r;
      has[i] = 1;
      any = true;
    }
    return any;
  }

  /**
   * For sum, count and group: the function's value at every step added into a group's running
   * sums and counts (as `add` does with what `run` gives). Undefined, having added nothing, where
   * the function has no sweep (or with `@`): the caller then takes `run`. Else true if any step has a value.
   */
  runInto(s: RawSeries, acc: Float64Array, count: Float64Array): boolean | undefined {
    if (!this.sweep || this.at !== undefined) return undefined;
    this.memo.clear();
    return this.sweep(s.times, s.values, this.memo, this.grid.steps, this.offsetMs, this.rangeMs, true, acc, NO_FLAGS, count);
  }

  /** The window of every step over sorted sample times: both bounds only move forward. */
  private bounds(times: Float64Array): void {
    const { at, rangeMs, offsetMs, from, to, ends } = this;
    const steps = this.grid.steps;
    const n = times.length;
    // With `@` every step reads the same window: the first step's, copied.
    const count = at === undefined ? steps.length : Math.min(1, steps.length);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < count; i++) {
      const ref = (at ?? steps[i]!) - offsetMs;
      const start = ref - rangeMs;
      while (lo < n && times[lo]! < start) lo++;
      if (hi < lo) hi = lo;
      while (hi < n && times[hi]! <= ref) hi++;
      from[i] = lo;
      to[i] = hi;
      ends[i] = ref;
    }
    if (count < steps.length) {
      from.fill(from[0]!);
      to.fill(to[0]!);
      ends.fill(ends[0]!);
    }
  }
}

/** What one series of a streamed aggregation is evaluated with: a range function's stepper, or an instant selector. */
export type SeriesStepper = RangeStepper | { sel: VectorSelector; grid: Grid; lookbackMs: number };

/**
 * One series of a streamed aggregation at every step. Added straight into a group's running sums
 * (`into`, for sum/count/group) where that way exists: 'summed' (or 'none' when a range
 * function gave no value). Else its values go to `values`/`has`: 'values', or 'none' when it has
 * no value at any step. Range functions read the series without its staleness markers.
 */
export function seriesSteps(by: SeriesStepper, s: SeriesSamples, into: { acc: Float64Array; count: Float64Array } | undefined, values: Float64Array, has: Uint8Array): 'summed' | 'values' | 'none' {
  if (by instanceof RangeStepper) {
    const raw = withoutStale(s);
    const added = into && by.runInto(raw, into.acc, into.count);
    if (added !== undefined) return added ? 'summed' : 'none';
    return by.run(raw, values, has) ? 'values' : 'none';
  }
  if (into && instantStepsInto(s, by.sel, by.grid, by.lookbackMs, into.acc, into.count)) return 'summed';
  return instantSteps(s, by.sel, by.grid, by.lookbackMs, false, values, has) ? 'values' : 'none';
}
