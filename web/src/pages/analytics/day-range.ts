/** Range choices for analytics (days back from now). */
export const DAY_RANGES = ['1', '7', '30', '90'] as const;

/** Unix-seconds bounds of the last `days` days. */
export function daysRange(days: string, nowSeconds: number): { start: number; end: number } {
  return { start: nowSeconds - Number(days) * 86_400, end: nowSeconds };
}
