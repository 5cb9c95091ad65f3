import type { Threshold } from '../api/types';

const NAMED: Record<string, string> = { green: 'var(--ok)', yellow: 'var(--warn)', orange: '#e8803a', red: 'var(--danger)', blue: 'var(--accent)' };

/** The CSS colour of a threshold colour name or `#rrggbb`. */
export function cssColor(c: string): string {
  return NAMED[c] ?? c;
}

/** The colour for a value: the last threshold (sorted by value) at or below it; undefined without thresholds. */
export function thresholdColor(value: number | null, thresholds: readonly Threshold[] | undefined): string | undefined {
  if (value === null || !thresholds?.length) return undefined;
  let color: string | undefined;
  for (const t of [...thresholds].sort((a, b) => a.value - b.value)) if (value >= t.value) color = t.color;
  return color === undefined ? undefined : cssColor(color);
}

/** A value in a unit: `bytes` (KiB, MiB…), `%` (a ratio shown ×100), `s` (ms, s, min), anything else as a suffix. */
export function formatValue(v: number | null, unit?: string): string {
  if (v === null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(2) : x.toPrecision(2));
  switch (unit) {
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let x = v;
      let i = 0;
      while (Math.abs(x) >= 1024 && i < units.length - 1) { x /= 1024; i++; }
      return `${num(x)} ${units[i]!}`;
    }
    case '%':
    case 'percentunit':
      return `${num(v * 100)}%`;
    case 's':
      return Math.abs(v) < 1 ? `${num(v * 1000)} ms` : Math.abs(v) < 120 ? `${num(v)} s` : `${num(v / 60)} min`;
    case undefined:
    case '':
      return num(v);
    default:
      return `${num(v)} ${unit}`;
  }
}
