import type { TracesReader } from '../storage/interface.js';
import { jaegerTags, jaegerTrace } from '../traces/jaeger.js';
import { parseDuration } from '../util/duration.js';
import { ApiError } from './errors.js';
import { single } from './params.js';
import type { ApiRequest, ApiResponse } from './types.js';

const HOUR_MS = 3_600_000;

/** Jaeger's envelope: `{data, total, limit, offset, errors}`. */
const envelope = (data: unknown[]): ApiResponse => ({ body: { data, total: data.length, limit: 0, offset: 0, errors: null } });

/** A Jaeger duration parameter (`1.2s`, `100ms`, `500us`) in nanoseconds. */
function duration(req: ApiRequest, name: string): bigint | undefined {
  const v = single(req, name);
  if (!v) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(v);
  if (!m) {
    try {
      return BigInt(parseDuration(v)) * 1_000_000n;
    } catch {
      throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": ${v} is not a duration`);
    }
  }
  return BigInt(Math.round(Number(m[1]) * { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as 'ns']));
}

/** A Jaeger time parameter: Unix microseconds. Returns ms. */
function micros(req: ApiRequest, name: string, fallback: number): number {
  const v = single(req, name);
  if (!v) return fallback;
  if (!/^\d+$/.test(v)) throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": Unix microseconds expected`);
  return Math.floor(Number(v) / 1000);
}

/** The Jaeger query API (the calls Grafana's Jaeger data source makes). */
export function jaegerHandlers(d: { traces: TracesReader; now: () => number }) {
  const range = (req: ApiRequest) => {
    const now = d.now();
    const end = micros(req, 'end', now);
    const lookback = single(req, 'lookback');
    const back = lookback && lookback !== 'custom' ? parseDuration(lookback) : HOUR_MS;
    return { start: micros(req, 'start', end - back), end };
  };
  return {
    /** GET /api/services */
    services: async (req: ApiRequest): Promise<ApiResponse> => envelope(await d.traces.services(req.tenant, { start: d.now() - 7 * 24 * HOUR_MS, end: d.now() })),

    /** GET /api/services/:service/operations — operation names. */
    operations: async (req: ApiRequest): Promise<ApiResponse> => {
      const ops = await d.traces.operations(req.tenant, req.params.service ?? '', { start: d.now() - 7 * 24 * HOUR_MS, end: d.now() });
      return envelope([...new Set(ops.map((o) => o.name))]);
    },

    /** GET /api/operations?service=&spanKind= — operations with their kinds. */
    operationsWithKind: async (req: ApiRequest): Promise<ApiResponse> => {
      const kind = single(req, 'spanKind');
      const ops = await d.traces.operations(req.tenant, single(req, 'service') ?? '', { start: d.now() - 7 * 24 * HOUR_MS, end: d.now() });
      return envelope(ops.filter((o) => !kind || o.kind.toLowerCase() === kind.toLowerCase()).map((o) => ({ name: o.name, spanKind: o.kind.toLowerCase() })));
    },

    /** GET /api/traces/:traceId */
    trace: async (req: ApiRequest): Promise<ApiResponse> => {
      const id = (req.params.traceId ?? '').toLowerCase().padStart(32, '0');
      if (!/^[0-9a-f]{32}$/.test(id)) throw new ApiError('BAD_PARAMETER', 'a trace id is up to 32 hex digits');
      const spans = await d.traces.trace(req.tenant, id);
      if (spans.length === 0) return { status: 404, body: { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] } };
      return envelope([jaegerTrace(id, spans)]);
    },

    /** GET /api/traces?service=&operation=&tags=&minDuration=&maxDuration=&limit=&start=&end=&lookback= */
    search: async (req: ApiRequest): Promise<ApiResponse> => {
      const service = single(req, 'service');
      if (!service) throw new ApiError('BAD_PARAMETER', 'parameter "service" is required');
      let tags: [string, string][];
      try {
        tags = jaegerTags(single(req, 'tags') ?? '');
      } catch (err) {
        throw new ApiError('BAD_PARAMETER', `invalid parameter "tags": ${(err as Error).message}`);
      }
      const limitText = single(req, 'limit');
      const operation = single(req, 'operation');
      const minDurationNano = duration(req, 'minDuration');
      const maxDurationNano = duration(req, 'maxDuration');
      const found = await d.traces.searchTraces(req.tenant, {
        range: range(req), service, attributes: tags.map(([key, value]) => ({ key, op: '=', value })),
        limit: Math.min(limitText && /^\d+$/.test(limitText) ? Number(limitText) || 20 : 20, 1500),
        ...(operation && operation !== 'all' ? { operation } : {}),
        ...(minDurationNano !== undefined ? { minDurationNano } : {}),
        ...(maxDurationNano !== undefined ? { maxDurationNano } : {}),
      });
      const traces = await Promise.all(found.map(async (t) => jaegerTrace(t.traceId, await d.traces.trace(req.tenant, t.traceId))));
      return envelope(traces);
    },

    /** GET /api/dependencies?endTs=(ms)&lookback=(ms) — the service dependency graph. */
    dependencies: async (req: ApiRequest): Promise<ApiResponse> => {
      const endTs = single(req, 'endTs');
      const lookback = single(req, 'lookback');
      const end = endTs && /^\d+$/.test(endTs) ? Number(endTs) : d.now();
      const back = lookback && /^\d+$/.test(lookback) ? Number(lookback) : 24 * HOUR_MS;
      return envelope(await d.traces.dependencies(req.tenant, { start: end - back, end }));
    },
  };
}
