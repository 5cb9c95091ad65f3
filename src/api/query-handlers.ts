import { Annotations } from '../promql/annotations.js';
import { astJson } from '../promql/ast-json.js';
import { evaluate, type EvalRange } from '../promql/engine.js';
import { format } from '../promql/format.js';
import { parseDuration, PromqlSyntaxError } from '../promql/lex.js';
import { parse } from '../promql/parse.js';
import { typeOf } from '../promql/typecheck.js';
import { compareLabels, formatValue, QueryError, type Value } from '../promql/value.js';
import type { Expr } from '../promql/ast.js';
import { parallelOption, type QueryWorkers } from '../promql/parallel/query-workers.js';
import type { MetricsReader } from '../storage/interface.js';
import { ApiError } from './errors.js';
import { limit, parseTime, single } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

export interface QueryOptions {
  timeoutMs: number;
  maxSamples: number;
  maxSeries: number;
  maxPointsPerSeries: number;
  lookbackMs: number;
  subqueryStepMs: number;
  /** Threads that evaluate parts of heavy aggregations beside the main thread. */
  workerPool?: QueryWorkers;
}

type Point = [number, string];

/** Handlers of the Prometheus query API: instant and range queries, formatting, exemplars. */
export function queryHandlers(reader: MetricsReader, o: QueryOptions, now: () => number) {
  const run = async (req: ApiRequest, expr: Expr, range: EvalRange, notes: Annotations): Promise<Value> => {
    const timeout = durationParam(req, 'timeout');
    const deadline = Date.now() + Math.min(o.timeoutMs, timeout ?? Infinity);
    try {
      return await evaluate(expr, range, (matchers, r, hints) => reader.select(req.tenant, matchers, r, hints), { ...o, deadline, ...parallelOption(reader, req.tenant, o.workerPool), ...(req.signal ? { signal: req.signal } : {}) }, notes);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      if (err.type === 'timeout') throw new ApiError('QUERY_TIMEOUT', err.message);
      if (err.type === 'canceled') throw new ApiError('QUERY_CANCELED', err.message);
      if (err.type === 'bad_data') throw new ApiError('BAD_QUERY', err.message);
      throw new ApiError(err.limit ? 'QUERY_LIMIT' : 'QUERY_EXECUTION', err.message);
    }
  };

  return {
    /** GET|POST /api/v1/query */
    query: async (req: ApiRequest): Promise<ApiResponse> => {
      const expr = parseParam(req);
      const t = single(req, 'time');
      const at = t === undefined || t === '' ? now() : parseTime(t, 'time');
      const notes = new Annotations();
      const value = await run(req, expr, { start: at, end: at, step: 1000 }, notes);
      return truncated(instantResult(value, at), limit(req), notes);
    },

    /** GET|POST /api/v1/query_range */
    queryRange: async (req: ApiRequest): Promise<ApiResponse> => {
      const expr = parseParam(req);
      const start = requiredTime(req, 'start');
      const end = requiredTime(req, 'end');
      if (end < start) throw new ApiError('BAD_PARAMETER', 'invalid parameter "end": end timestamp must not be before start time');
      const step = durationParam(req, 'step');
      if (step === undefined) throw new ApiError('BAD_PARAMETER', 'invalid parameter "step": missing');
      if (step <= 0) throw new ApiError('BAD_PARAMETER', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > o.maxPointsPerSeries) {
        throw new ApiError('BAD_PARAMETER', `exceeded maximum resolution of ${o.maxPointsPerSeries.toLocaleString('en-US')} points per timeseries. Try decreasing the query resolution (?step=XX)`);
      }
      const type = typeOf(expr);
      if (type !== 'scalar' && type !== 'vector') throw new ApiError('BAD_QUERY', `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`);
      const notes = new Annotations();
      const value = await run(req, expr, { start, end, step }, notes);
      return truncated(rangeResult(value, start, step), limit(req), notes);
    },

    /** GET|POST /api/v1/format_query */
    formatQuery: (req: ApiRequest): Promise<ApiResponse> => Promise.resolve(ok(format(parseParam(req)))),

    /** GET|POST /api/v1/parse_query: the expression's syntax tree as JSON (Prometheus 3's shape). */
    parseQuery: (req: ApiRequest): Promise<ApiResponse> => Promise.resolve(ok(astJson(parseParam(req)))),

    /** GET|POST /api/v1/query_exemplars: exemplars are not stored, so the answer is empty. */
    queryExemplars: (req: ApiRequest): Promise<ApiResponse> => {
      parseParam(req);
      return Promise.resolve(ok([]));
    },
  };
}

/**
 * The answer with the query's warnings and infos, and the `limit` parameter (as in Prometheus
 * 3): at most that many series, with a warning when some were left out. Range results are
 * sorted, so the first ones by labels are kept.
 */
function truncated(data: { resultType: string; result: unknown }, max: number, notes: Annotations): ApiResponse {
  if (!Array.isArray(data.result) || data.resultType === 'scalar' || data.resultType === 'string' || data.result.length <= max) return ok(data, notes.warnings, notes.infos);
  return ok({ ...data, result: data.result.slice(0, max) }, [...notes.warnings, 'results truncated due to limit'], notes.infos);
}

function parseParam(req: ApiRequest): Expr {
  const q = single(req, 'query');
  if (q === undefined || q === '') throw new ApiError('BAD_PARAMETER', 'invalid parameter "query": query must not be empty');
  try {
    return parse(q);
  } catch (err) {
    if (err instanceof PromqlSyntaxError) throw new ApiError('BAD_QUERY', `invalid parameter "query": ${err.message}`);
    throw err;
  }
}

function requiredTime(req: ApiRequest, name: string): number {
  const v = single(req, name);
  if (v === undefined || v === '') throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": missing`);
  return parseTime(v, name);
}

/** A duration parameter: float seconds or a Prometheus duration. Milliseconds. */
function durationParam(req: ApiRequest, name: string): number | undefined {
  const v = single(req, name);
  if (v === undefined || v === '') return undefined;
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const d = parseDuration(v);
  if (d === undefined) throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": cannot parse "${v}" to a valid duration`);
  return d;
}

const seconds = (ms: number) => ms / 1000;

function instantResult(v: Value, at: number): { resultType: string; result: unknown } {
  switch (v.type) {
    case 'scalar': return { resultType: 'scalar', result: [seconds(at), formatValue(v.values[0]!)] };
    case 'string': return { resultType: 'string', result: [seconds(at), v.value] };
    case 'vector':
      return { resultType: 'vector', result: v.series.filter((s) => s.has[0]).map((s) => ({ metric: s.labels, value: [seconds(at), formatValue(s.values[0]!)] })) };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.filter((s) => s.times.length > 0).map((s) => ({ metric: s.labels, values: Array.from(s.times, (t, i): Point => [seconds(t), formatValue(s.values[i]!)]) })),
      };
  }
}

function rangeResult(v: Value, start: number, step: number): { resultType: string; result: unknown } {
  const time = (i: number) => seconds(start + i * step);
  if (v.type === 'scalar') return { resultType: 'matrix', result: [{ metric: {}, values: Array.from(v.values, (x, i): Point => [time(i), formatValue(x)]) }] };
  if (v.type !== 'vector') throw new ApiError('INTERNAL', `range query produced a ${v.type}`);
  const series = v.series
    .map((s) => {
      const values: Point[] = [];
      for (let i = 0; i < s.has.length; i++) if (s.has[i]) values.push([time(i), formatValue(s.values[i]!)]);
      return { metric: s.labels, values };
    })
    .filter((s) => s.values.length > 0)
    .sort((a, b) => compareLabels(a.metric, b.metric));
  return { resultType: 'matrix', result: series };
}
