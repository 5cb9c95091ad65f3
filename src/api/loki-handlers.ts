import type { LokiIngest } from '../ingest/loki/loki-ingest.js';
import { LogqlLimitError, queryMatrix, queryStreams } from '../logs/logql-eval.js';
import { LogqlError, parseLogql, type LogExpr } from '../logs/logql.js';
import type { LogStreamsReader } from '../storage/interface.js';
import { parseDuration } from '../util/duration.js';
import { ApiError } from './errors.js';
import { single } from './params.js';
import type { ApiRequest, ApiResponse } from './types.js';

const HOUR_MS = 3_600_000;

const header = (req: ApiRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** A Loki time parameter: Unix nanoseconds, milliseconds or seconds (by magnitude), float seconds, or RFC 3339. Returns ms. */
export function lokiTime(text: string, name: string): number {
  if (/^\d+$/.test(text)) {
    const n = BigInt(text);
    if (text.length >= 16) return Number(n / 1_000_000n);
    if (text.length >= 13) return Number(n);
    return Number(n) * 1000;
  }
  if (/^\d+\.\d+$/.test(text)) return Math.round(Number(text) * 1000);
  const ms = Date.parse(text);
  if (!Number.isNaN(ms) && /^\d{4}-\d{2}-\d{2}T/.test(text)) return ms;
  throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": cannot parse "${text}" as a time`);
}

function range(req: ApiRequest, now: number, defaultMs: number): { start: number; end: number } {
  const e = single(req, 'end');
  const end = e ? lokiTime(e, 'end') : now;
  const s = single(req, 'start');
  const start = s ? lokiTime(s, 'start') : end - defaultMs;
  if (end < start) throw new ApiError('BAD_PARAMETER', 'invalid parameter "end": end timestamp must not be before start time');
  return { start, end };
}

function parse(query: string | undefined) {
  if (!query) throw new ApiError('BAD_PARAMETER', 'missing parameter "query"');
  try {
    return parseLogql(query);
  } catch (err) {
    if (err instanceof LogqlError) throw new ApiError('BAD_QUERY', `parse error: ${err.message}`);
    throw err;
  }
}

function limitOf(req: ApiRequest): number {
  const v = single(req, 'limit');
  if (v === undefined || v === '') return 100;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new ApiError('BAD_PARAMETER', 'invalid parameter "limit": a positive integer');
  return Math.min(Number(v), 5000);
}

function directionOf(req: ApiRequest): 'backward' | 'forward' {
  const v = single(req, 'direction');
  if (v === undefined || v === '' || v === 'backward' || v === 'BACKWARD') return 'backward';
  if (v === 'forward' || v === 'FORWARD') return 'forward';
  throw new ApiError('BAD_PARAMETER', 'invalid parameter "direction": forward or backward');
}

function stepOf(req: ApiRequest, start: number, end: number): number {
  const v = single(req, 'step');
  if (v === undefined || v === '') return Math.max(1000, Math.floor((end - start) / 250 / 1000) * 1000);
  let ms: number;
  try {
    ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  } catch (err) {
    throw new ApiError('BAD_PARAMETER', `invalid parameter "step": ${(err as Error).message}`);
  }
  if (!(ms > 0)) throw new ApiError('BAD_PARAMETER', 'invalid parameter "step": must be positive');
  if ((end - start) / ms > 11_000) throw new ApiError('BAD_PARAMETER', 'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter');
  return ms;
}

const success = (data: unknown): ApiResponse => ({ body: { status: 'success', data } });

/** The Loki push and query APIs as Grafana's Loki data source and Loki clients use them. */
export function lokiHandlers(d: { ingest: LokiIngest; streams: LogStreamsReader; now: () => number }) {
  const run = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof LogqlLimitError) throw new ApiError('QUERY_LIMIT', err.message);
      throw err;
    }
  };
  const logs = async (req: ApiRequest, log: LogExpr, r: { start: number; end: number }) =>
    success({ resultType: 'streams', result: await run(() => queryStreams(d.streams, req.tenant, log, r, limitOf(req), directionOf(req))), stats: {} });
  return {
    /** POST /loki/api/v1/push — JSON (optionally gzip) or snappy protobuf; 204. */
    push: async (req: ApiRequest): Promise<ApiResponse> => {
      await d.ingest.push(req.tenant, req.body, header(req, 'content-type'), header(req, 'content-encoding'));
      return { status: 204 };
    },

    /** GET/POST /loki/api/v1/query_range — streams for log queries, a matrix for metric queries. */
    queryRange: async (req: ApiRequest): Promise<ApiResponse> => {
      const expr = parse(single(req, 'query'));
      const r = range(req, d.now(), HOUR_MS);
      if (expr.kind === 'log') return logs(req, expr, r);
      const step = stepOf(req, r.start, r.end);
      return success({ resultType: 'matrix', result: await run(() => queryMatrix(d.streams, req.tenant, expr, r.start, r.end, step)), stats: {} });
    },

    /** GET/POST /loki/api/v1/query — a metric query at `time` (a vector), or the lines of the hour before it. */
    query: async (req: ApiRequest): Promise<ApiResponse> => {
      const expr = parse(single(req, 'query'));
      const t = single(req, 'time') ? lokiTime(single(req, 'time')!, 'time') : d.now();
      if (expr.kind === 'log') return logs(req, expr, { start: t - HOUR_MS, end: t });
      const m = await run(() => queryMatrix(d.streams, req.tenant, expr, t, t, 1000));
      return success({ resultType: 'vector', result: m.map((s) => ({ metric: s.metric, value: s.values[0] })), stats: {} });
    },

    /** GET/POST /loki/api/v1/labels — stream label names (default: the last 6 hours). */
    labels: async (req: ApiRequest): Promise<ApiResponse> => success(await d.streams.streamLabelNames(req.tenant, range(req, d.now(), 6 * HOUR_MS))),

    /** GET /loki/api/v1/label/:name/values */
    labelValues: async (req: ApiRequest): Promise<ApiResponse> => success(await d.streams.streamLabelValues(req.tenant, req.params.name ?? '', range(req, d.now(), 6 * HOUR_MS))),

    /** GET/POST /loki/api/v1/series?match[]=… — label sets of matching streams. */
    series: async (req: ApiRequest): Promise<ApiResponse> => {
      const r = range(req, d.now(), 6 * HOUR_MS);
      const matches = req.query.get('match[]') ?? req.query.get('match') ?? [];
      if (matches.length === 0) throw new ApiError('BAD_PARAMETER', 'missing parameter "match[]"');
      const sels = matches.map((m) => {
        const e = parse(m);
        if (e.kind !== 'log') throw new ApiError('BAD_PARAMETER', `match[] must be a stream selector: ${m}`);
        return { range: r, matchers: e.selector, lineFilters: [] };
      });
      return success(await d.streams.streams(req.tenant, sels, 10_000));
    },

    /** GET /loki/api/v1/index/stats?query=… — streams, entries and bytes a selector covers (Grafana asks before querying). */
    indexStats: async (req: ApiRequest): Promise<ApiResponse> => {
      const e = parse(single(req, 'query'));
      const log = e.kind === 'log' ? e : undefined;
      if (!log) return { body: { streams: 0, chunks: 0, entries: 0, bytes: 0 } };
      const r = range(req, d.now(), HOUR_MS);
      const counts = await d.streams.streamCounts(req.tenant, { range: r, matchers: log.selector, lineFilters: [] }, Math.max(1, r.end - r.start + 1));
      const streams = new Set(counts.map((c) => JSON.stringify(c.labels))).size;
      return { body: { streams, chunks: streams, entries: counts.reduce((n, c) => n + c.count, 0), bytes: counts.reduce((n, c) => n + c.bytes, 0) } };
    },

    /** GET /loki/api/v1/status/buildinfo */
    buildinfo: (): Promise<ApiResponse> => Promise.resolve({ body: { version: '3.4.0', revision: '', branch: '', buildUser: '', buildDate: '', goVersion: '' } }),
  };
}
