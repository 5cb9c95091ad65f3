import type { LabelMatcher, TimeRange } from '../storage/interface.js';
import { ApiError } from './errors.js';
import { parseSelector } from './selector.js';
import type { ApiRequest } from './types.js';

/** Earliest and latest times an unbounded query covers (Prometheus's MinTime/MaxTime, clamped to what ClickHouse's Date type spans). */
export const MIN_TIME = 0;
export const MAX_TIME = Date.UTC(2149, 0, 1);

export function single(req: ApiRequest, name: string): string | undefined {
  const v = req.query.get(name);
  return v?.[v.length - 1];
}

/** Prometheus time parameter: Unix seconds (float) or RFC 3339. Returns ms. */
export function parseTime(text: string, name: string): number {
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    const ms = Math.round(Number(text) * 1000);
    if (Number.isFinite(ms)) return ms;
  }
  const ms = Date.parse(text);
  if (!Number.isNaN(ms) && /^\d{4}-\d{2}-\d{2}T/.test(text)) return ms;
  throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
}

export function timeRange(req: ApiRequest, defaults: { start: number; end: number }): TimeRange {
  const s = single(req, 'start');
  const e = single(req, 'end');
  const start = s === undefined || s === '' ? defaults.start : parseTime(s, 'start');
  const end = e === undefined || e === '' ? defaults.end : parseTime(e, 'end');
  if (end < start) throw new ApiError('BAD_PARAMETER', 'invalid parameter "end": end timestamp must not be before start time');
  return { start: Math.max(start, MIN_TIME), end: Math.min(end, MAX_TIME) };
}

/** `match[]` selectors; `required` makes an empty list an error. */
export function matchers(req: ApiRequest, required: boolean): LabelMatcher[][] {
  const list = req.query.get('match[]') ?? [];
  if (required && list.length === 0) throw new ApiError('BAD_PARAMETER', 'no match[] parameter provided');
  return list.map(parseSelector);
}

/** `limit` parameter: a non-negative integer, 0 or absent = `fallback`. */
export function limit(req: ApiRequest, name = 'limit', fallback = Number.MAX_SAFE_INTEGER): number {
  const v = single(req, name);
  if (v === undefined || v === '') return fallback;
  if (!/^-?\d+$/.test(v)) throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": "${v}" is not an integer`);
  const n = Number(v);
  return n <= 0 ? fallback : n;
}

/** The request body as JSON; anything else is a 400 naming the problem. */
export function jsonBody(req: ApiRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw new ApiError('BAD_JSON', `body is not JSON: ${(err as Error).message}`);
  }
}
