/** A tiny line of counts (e.g. events per hour), scaled to its own maximum. */
export function Sparkline({ values, width = 120, height = 28, label }: { values: readonly number[]; width?: number; height?: number; label?: string }) {
  const max = Math.max(1, ...values);
  const n = values.length;
  const points = values.map((v, i) => `${n <= 1 ? 0 : (i / (n - 1)) * width},${height - 2 - (v / max) * (height - 4)}`).join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label ?? `${values.reduce((a, b) => a + b, 0)} in total`}>
      <polyline points={points} fill="none" stroke="var(--accent)" strokeWidth="1.5" />
    </svg>
  );
}

/** Counts per bucket ({time in ms, count}) on a full grid of `buckets` steps ending at `endMs`; missing buckets are 0. */
export function fillBuckets(counts: readonly { time: number; count: number }[], stepMs: number, endMs: number, buckets: number): number[] {
  const last = Math.floor(endMs / stepMs) * stepMs;
  const out = new Array<number>(buckets).fill(0);
  for (const c of counts) {
    const i = buckets - 1 - Math.round((last - c.time) / stepMs);
    if (i >= 0 && i < buckets) out[i]! += c.count;
  }
  return out;
}
