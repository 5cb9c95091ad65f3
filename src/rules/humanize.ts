import { goGPrec } from '../util/go-format.js';

function scaled(v: number, units: string[], base: number, up: boolean): [number, string] {
  let prefix = '';
  let x = v;
  for (const u of units) {
    if (up ? Math.abs(x) < base : Math.abs(x) >= 1) break;
    prefix = u;
    x = up ? x / base : x * base;
  }
  return [x, prefix];
}

/** Prometheus's `humanize`: SI prefixes, 4 significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goGPrec(v, 4);
  const [x, p] = Math.abs(v) >= 1 ? scaled(v, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'], 1000, true) : scaled(v, ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'], 1000, false);
  return `${goGPrec(x, 4)}${p}`;
}

/** Prometheus's `humanize1024`: binary prefixes (ki, Mi, …). */
export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goGPrec(v, 4);
  const [x, p] = scaled(v, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'], 1024, true);
  return `${goGPrec(x, 4)}${p}`;
}

/** Prometheus's `humanizeDuration` of seconds: `1d 2h 3m 4s`, or `1.5s`, `250ms`. */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return goGPrec(v, 4);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const d = Math.trunc(abs);
    const [s, m, h, days] = [d % 60, Math.trunc(d / 60) % 60, Math.trunc(d / 3600) % 24, Math.trunc(d / 86400)];
    if (days !== 0) return `${sign}${days}d ${h}h ${m}m ${s}s`;
    if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
    if (m !== 0) return `${sign}${m}m ${s}s`;
    return `${sign}${goGPrec(abs, 4)}s`;
  }
  const [x, p] = scaled(v, ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'], 1000, false);
  return `${goGPrec(x, 4)}${p}s`;
}
