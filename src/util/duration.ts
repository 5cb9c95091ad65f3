/**
 * Prometheus-style durations ("1h30m", "15s", "500ms", "2w"): units y, w, d, h, m, s, ms, in
 * descending order, each at most once. Returns milliseconds; throws on anything else.
 */
const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new Error('empty duration string');
  let total = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m) throw new Error(`not a valid duration string: "${text}"`);
    const unitIndex = ORDER.indexOf(m[2]!);
    if (unitIndex <= lastUnit) throw new Error(`not a valid duration string: "${text}" (units out of order at ${start})`);
    lastUnit = unitIndex;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (!Number.isSafeInteger(total)) throw new Error(`duration out of range: "${text}"`);
  return total;
}

/** Formats milliseconds the way Prometheus prints durations ("1h30m", "15s", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
