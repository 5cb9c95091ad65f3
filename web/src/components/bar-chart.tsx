import { PALETTE } from '../lib/series';
import { formatTime } from '../lib/time';

export interface Bars {
  /** Bucket starts, Unix seconds, ascending. */
  times: number[];
  /** Width of a bucket, seconds. */
  step: number;
  /** One stack layer per key, counts per bucket. */
  layers: { key: string; counts: number[] }[];
}

/** Colour of a log severity (or, for other keys, the palette in turn). */
export function keyColor(key: string, i: number): string {
  const k = key.toLowerCase();
  if (k.startsWith('err') || k.startsWith('fatal') || k === 'critical') return '#e5534b';
  if (k.startsWith('warn')) return '#d29922';
  if (k.startsWith('info')) return '#3fb950';
  if (k.startsWith('debug') || k.startsWith('trace')) return '#8b949e';
  return PALETTE[i % PALETTE.length]!;
}

/**
 * Stacked bars over time (SVG), e.g. log counts per bucket by severity; a click on a bar reports
 * its bucket (to zoom into it).
 */
export function BarChart({ bars, height = 120, onPick }: { bars: Bars; height?: number; onPick?: (start: number, end: number) => void }) {
  const totals = bars.times.map((_, i) => bars.layers.reduce((s, l) => s + (l.counts[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const n = Math.max(1, bars.times.length);
  const w = 1000;
  const bw = w / n;
  return (
    <figure className="bar-chart" aria-label="counts over time">
      <svg viewBox={`0 0 ${w} ${height}`} preserveAspectRatio="none" width="100%" height={height} role="img">
        {bars.times.map((t, i) => {
          let y = height;
          return (
            <g key={t} onClick={() => onPick?.(t, t + bars.step)} style={{ cursor: onPick ? 'pointer' : undefined }}>
              <title>{`${formatTime(t, true)}: ${totals[i]} (${bars.layers.filter((l) => (l.counts[i] ?? 0) > 0).map((l) => `${l.key || 'none'} ${l.counts[i]}`).join(', ')})`}</title>
              <rect x={i * bw} y={0} width={bw} height={height} fill="transparent" />
              {bars.layers.map((l, k) => {
                const h = ((l.counts[i] ?? 0) / max) * (height - 4);
                y -= h;
                return h > 0 ? <rect key={l.key} x={i * bw + bw * 0.1} y={y} width={bw * 0.8} height={h} fill={keyColor(l.key, k)} /> : null;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend small">
        {bars.layers.map((l, k) => <span key={l.key}><span className="dot" style={{ background: keyColor(l.key, k) }} />{l.key || 'none'} </span>)}
        <span className="muted">max {max} per {bars.step}s</span>
      </figcaption>
    </figure>
  );
}

/** Histogram API buckets (ms times, one row per key and bucket) as stacked bars covering [start, end). */
export function toBars(buckets: readonly { time: number; key: string; count: number }[], stepSeconds: number, start: number, end: number): Bars {
  const first = Math.floor(start / stepSeconds) * stepSeconds;
  const times: number[] = [];
  for (let t = first; t < end; t += stepSeconds) times.push(t);
  const index = new Map(times.map((t, i) => [t, i]));
  const layers = new Map<string, number[]>();
  for (const b of buckets) {
    const i = index.get(Math.round(b.time / 1000));
    if (i === undefined) continue;
    const counts = layers.get(b.key) ?? new Array<number>(times.length).fill(0);
    counts[i] = (counts[i] ?? 0) + b.count;
    layers.set(b.key, counts);
  }
  return { times, step: stepSeconds, layers: [...layers].sort(([a], [b]) => a.localeCompare(b)).map(([key, counts]) => ({ key, counts })) };
}
