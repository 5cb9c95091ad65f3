// Time ranges as the pickers hold them: Grafana-style relative expressions (`now-1h`, `now`) or
// absolute times (RFC 3339 or Unix seconds), resolved to Unix seconds when a query runs.

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds of a duration like `90s`, `5m`, `1h30m`, `7d`; NaN when it is not one. */
export function durationSeconds(text: string): number {
  const parts = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!parts || text.trim() === '') return NaN;
  const [w, d, h, m, s] = parts.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number, number];
  return w * UNIT_SECONDS.w! + d * UNIT_SECONDS.d! + h * 3600 + m * 60 + s;
}

/** Unix seconds of `now`, `now-<duration>`, RFC 3339 or Unix seconds; throws a readable error otherwise. */
export function resolveTime(text: string, nowSeconds: number): number {
  const t = text.trim();
  if (t === 'now') return nowSeconds;
  const rel = /^now-(.+)$/.exec(t);
  if (rel) {
    const d = durationSeconds(rel[1]!);
    if (Number.isNaN(d)) throw new Error(`"${t}": not a duration after now- (try now-1h)`);
    return nowSeconds - d;
  }
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`"${t}": not a time (now, now-1h, 2026-01-02T15:04:05Z or Unix seconds)`);
  return ms / 1000;
}

/** A round query step for a range: about `points` points, at least 1 s. */
export function autoStep(rangeSeconds: number, points = 250): number {
  const raw = Math.max(1, rangeSeconds / points);
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];
  return nice.find((n) => n >= raw) ?? Math.ceil(raw / 86_400) * 86_400;
}

/** Relative ranges the picker offers. */
export const QUICK_RANGES = ['5m', '15m', '1h', '3h', '6h', '12h', '24h', '2d', '7d'] as const;

/** A short local time for a Unix-seconds timestamp: `HH:MM:SS` today, with the date otherwise. */
export function formatTime(seconds: number, withDate = false): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** A duration in nanoseconds (decimal string or number) as `850µs`, `12.3ms`, `4.2s`. */
export function formatNanos(ns: string | number): string {
  const n = Number(ns);
  if (n < 1_000) return `${n}ns`;
  if (n < 1_000_000) return `${round(n / 1_000)}µs`;
  if (n < 1_000_000_000) return `${round(n / 1_000_000)}ms`;
  return `${round(n / 1_000_000_000)}s`;
}

/** A duration in seconds as `45s`, `12m 5s`, `3h 20m`, `2d 4h` (two units at most). */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const units: [string, number][] = [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = s;
  for (const [name, size] of units) {
    if (rest >= size || (parts.length === 0 && size === 1)) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.filter((p, i) => i === 0 || !p.startsWith('0')).join(' ');
}

function round(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Local time with milliseconds of a nanosecond timestamp string. */
export function logTime(ns: string): string {
  const ms = Number(BigInt(ns) / 1_000_000n);
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
