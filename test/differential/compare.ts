/** Compares Prometheus query API answers: series sets by labels, values within 1e-6 relative, NaN equal. */
interface ApiAnswer {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

type Canonical = { error: string } | { type: string; series: Map<string, [number, number][]> };

function key(metric: Record<string, string>): string {
  return JSON.stringify(Object.keys(metric).sort().map((k) => [k, metric[k]]));
}

function num(s: string): number {
  return s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
}

function canonical(a: ApiAnswer): Canonical {
  if (a.status !== 'success' || !a.data) return { error: a.errorType ?? 'error' };
  const { resultType, result } = a.data;
  const series = new Map<string, [number, number][]>();
  if (resultType === 'scalar' || resultType === 'string') {
    const [t, v] = result as [number, string];
    series.set(resultType, [[t, resultType === 'scalar' ? num(v) : v.length]]);
  } else if (resultType === 'vector') {
    for (const s of result as { metric: Record<string, string>; value: [number, string] }[]) series.set(key(s.metric), [[s.value[0], num(s.value[1])]]);
  } else {
    for (const s of result as { metric: Record<string, string>; values: [number, string][] }[]) series.set(key(s.metric), s.values.map(([t, v]) => [t, num(v)]));
  }
  return { type: resultType, series };
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** undefined when both answers agree, else what differs. */
export function difference(ours: ApiAnswer, theirs: ApiAnswer): string | undefined {
  const a = canonical(ours);
  const b = canonical(theirs);
  if ('error' in a || 'error' in b) {
    if ('error' in a && 'error' in b) return undefined;
    return 'error' in a ? `we failed (${ours.error ?? ''}), Prometheus answered` : `Prometheus failed (${theirs.error ?? ''}), we answered`;
  }
  if (a.type !== b.type) return `result type ${a.type}, Prometheus ${b.type}`;
  for (const k of b.series.keys()) if (!a.series.has(k)) return `missing series ${k}`;
  for (const k of a.series.keys()) if (!b.series.has(k)) return `extra series ${k}`;
  for (const [k, pts] of b.series) {
    const ours = a.series.get(k)!;
    if (ours.length !== pts.length) return `series ${k}: ${ours.length} points, Prometheus ${pts.length}`;
    for (let i = 0; i < pts.length; i++) {
      if (ours[i]![0] !== pts[i]![0]) return `series ${k}: point ${i} at ${ours[i]![0]}, Prometheus ${pts[i]![0]}`;
      if (!close(ours[i]![1], pts[i]![1])) return `series ${k}: at ${pts[i]![0]} value ${ours[i]![1]}, Prometheus ${pts[i]![1]}`;
    }
  }
  return undefined;
}
