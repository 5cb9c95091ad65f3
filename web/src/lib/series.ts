import type { MatrixSeries, TrendPoint } from '../api/types';

/** Series on one shared time axis, as a chart draws them; `null` where a series has no point. */
export interface Aligned {
  /** Unix seconds, ascending. */
  times: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** `name{a="x", b="y"}` as Prometheus writes a series' labels. */
export function seriesLabel(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.keys(rest).sort().map((k) => `${k}="${rest[k] ?? ''}"`);
  return labels.length ? `${name}{${labels.join(', ')}}` : name || '{}';
}

/** Puts range-query series on one time axis (the union of their timestamps). Non-finite values become gaps. */
export function alignMatrix(result: readonly MatrixSeries[]): Aligned {
  const stamps = new Set<number>();
  for (const s of result) for (const [t] of s.values) stamps.add(t);
  const times = [...stamps].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const series = result.map((s) => {
    const values: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s.values) {
      const x = Number(v);
      values[index.get(t)!] = Number.isFinite(x) ? x : null;
    }
    return { label: seriesLabel(s.metric), values };
  });
  return { times, series };
}

/** Running sums across series for a stacked chart: series i is the sum of series 0…i (gaps count as 0 while a later series has a value). */
export function stack(series: readonly { values: readonly (number | null)[] }[]): (number | null)[][] {
  const out: (number | null)[][] = [];
  let below: number[] | undefined;
  for (const s of series) {
    const sums = s.values.map((v, i) => (below?.[i] ?? 0) + (v ?? 0));
    out.push(s.values.map((v, i) => (v === null ? null : sums[i]!)));
    below = sums;
  }
  return out;
}

/** Eight colours that read on dark and light backgrounds; series take them in turn. */
export const PALETTE = ['#4e9af1', '#f2a93b', '#56c271', '#e5534b', '#a87ce6', '#3fc1c9', '#e86fb0', '#b5b84a'];

/** Trend points (one per interval and breakdown value) as chart series, one per breakdown value. */
export function trendSeries(points: readonly TrendPoint[], label: string): Aligned {
  const times = [...new Set(points.map((p) => p.time / 1000))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const groups = new Map<string, (number | null)[]>();
  for (const p of points) {
    const values = groups.get(p.breakdown) ?? new Array<number | null>(times.length).fill(null);
    values[index.get(p.time / 1000)!] = p.value;
    groups.set(p.breakdown, values);
  }
  return { times, series: [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([b, values]) => ({ label: b === '' ? label : b, values })) };
}
