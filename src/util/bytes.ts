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
