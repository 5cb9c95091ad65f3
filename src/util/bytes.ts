/** Parses sizes like "64MiB", "512MB", "1GiB", "1048576" into bytes; throws on anything else. */
const UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

export function parseBytes(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`not a valid size: "${text}" (use e.g. 64MiB, 512MB, 1048576)`);
  return Math.round(Number(m[1]) * unit);
}

/**
 * A memory size: like parseBytes, or a percentage of the machine's physical memory ("25%").
 * `total` is the physical memory in bytes.
 */
export function parseMemory(text: string | number, total: number): number {
  const pct = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text) : null;
  if (!pct) return parseBytes(text);
  const share = Number(pct[1]);
  if (share <= 0 || share > 100) throw new Error(`not a valid share of memory: "${String(text)}" (use 1% to 100%)`);
  return Math.round((total * share) / 100);
}
