/**
 * How sample values are stored (see block.ts and the `value` ALIAS in the schema): an integer
 * mantissa and a count of decimals when that gives back the exact double, else the raw bits.
 */

/** `decimals` value meaning "mantissa holds the IEEE-754 bits of the value". */
export const RAW_DECIMALS = 255;
/** Most decimals tried; 10^15 and below are exact doubles. */
const MAX_DECIMALS = 15;
/** 10^0 … 10^15, all exact doubles; the schema's `value` ALIAS divides by the same table. */
export const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, i) => 10 ** i);

/**
 * The decimal form of a double, like VictoriaMetrics's: the number of decimals d such that
 * round(v·10^d) / 10^d is exactly v (IEEE division, as ClickHouse does it on read), trying
 * `hint` first so a series keeps one scale; RAW_DECIMALS when there is none (NaN, ±Inf, -0,
 * |v·10^d| ≥ 2^53, or more than 15 decimals). Integers and few-decimal values then store as
 * small-delta integers, which compress far better than float bits.
 */
export function decimalsOf(v: number, hint: number): number {
  if (!Number.isFinite(v) || Object.is(v, -0)) return RAW_DECIMALS;
  if (hint <= MAX_DECIMALS && fits(v, hint)) return hint;
  for (let d = 0; d <= MAX_DECIMALS; d++) if (d !== hint && fits(v, d)) return d;
  return RAW_DECIMALS;
}

function fits(v: number, d: number): boolean {
  const p = POW10[d]!;
  const m = Math.round(v * p);
  return Math.abs(m) <= Number.MAX_SAFE_INTEGER && m / p === v;
}
