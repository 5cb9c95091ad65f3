import { parseAttributeFilter, parseSearchText } from '../logs/search-text.js';
import type { AttributeFilter, LogCursor, LogQuery, LogsReader, TraceQuery, TracesReader } from '../storage/interface.js';
import { waterfall } from '../traces/waterfall.js';
import { LogTail } from '../logs/tail.js';
import { PassThrough } from 'node:stream';
import { parseDuration } from '../util/duration.js';
import { ApiError } from './errors.js';
import { limit, single, timeRange } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

const HOUR_MS = 3_600_000;

function list(req: ApiRequest, name: string): string[] {
  return (req.query.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function attributes(req: ApiRequest): AttributeFilter[] {
  return (req.query.get('attr') ?? []).map((a) => {
    try {
      return parseAttributeFilter(a);
    } catch (err) {
      throw new ApiError('BAD_PARAMETER', `invalid parameter "attr": ${(err as Error).message}`);
    }
  });
}

function hexId(req: ApiRequest, name: string, bytes: number): string | undefined {
  const v = single(req, name);
  if (v === undefined || v === '') return undefined;
  if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(v)) throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": expected ${bytes * 2} hex digits`);
  return v.toLowerCase();
}

function durationNano(req: ApiRequest, name: string): bigint | undefined {
  const v = single(req, name);
  if (v === undefined || v === '') return undefined;
  const us = /^(\d+(?:\.\d+)?)(us|µs)$/.exec(v);
  try {
    return us ? BigInt(Math.round(Number(us[1]) * 1000)) : BigInt(Math.round(parseDuration(v) * 1e6));
  } catch (err) {
    throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": ${(err as Error).message}`);
  }
}

/** Bucket sizes a histogram picks from (ms): the smallest giving at most 100 buckets. */
const NICE_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);

function niceStep(rangeMs: number): number {
  return NICE_STEPS.find((s) => rangeMs / s <= 100) ?? Math.ceil(rangeMs / 100 / 86_400_000) * 86_400_000;
}

/** The log filter of a request: `start`, `end` (default: the last hour), `service`, `severity`, `q`, `attr`, `trace_id`, `span_id`. */
export function logQuery(req: ApiRequest, now: number): LogQuery {
  const text = parseSearchText(single(req, 'q') ?? '');
  const traceId = hexId(req, 'trace_id', 16);
  const spanId = hexId(req, 'span_id', 8);
  return {
    range: timeRange(req, { start: now - HOUR_MS, end: now }),
    services: list(req, 'service'),
    severities: list(req, 'severity'),
    terms: text.terms,
    phrases: text.phrases,
    attributes: attributes(req),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
  };
}

function cursorOf(text: string | undefined): LogCursor | undefined {
  if (!text) return undefined;
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (!m) throw new ApiError('BAD_PARAMETER', 'invalid parameter "cursor": use the nextCursor of the previous page');
  return { timeUnixNano: m[1]!, skip: Number(m[2]) };
}

/** Log search, histogram and facets; trace by id (as a waterfall), trace search, services and operations. */
export function eventHandlers(d: { logs: LogsReader; traces: TracesReader; now: () => number }) {
  return {
    /** GET /api/v1/logs — matching records newest first; `limit` (default 100, at most 5000), `cursor`. */
    searchLogs: async (req: ApiRequest): Promise<ApiResponse> => {
      const n = Math.min(limit(req, 'limit', 100), 5000);
      const after = cursorOf(single(req, 'cursor'));
      const page = await d.logs.searchLogs(req.tenant, logQuery(req, d.now()), { limit: n, ...(after ? { after } : {}) });
      return ok({ records: page.records, nextCursor: page.next ? `${page.next.timeUnixNano}-${page.next.skip}` : null });
    },

    /**
     * GET /api/v1/logs/tail — live tail as Server-Sent Events: `event: logs` with a JSON array of
     * new matching records (oldest first), a comment every 15 s to keep the connection open.
     */
    tail: (req: ApiRequest): Promise<ApiResponse> => {
      const stream = new PassThrough();
      const write = (text: string) => { if (!stream.writableEnded) stream.write(text); };
      const tail = new LogTail({ reader: d.logs, tenant: req.tenant, query: logQuery(req, d.now()), now: d.now, send: (records) => { write(`event: logs\ndata: ${JSON.stringify(records)}\n\n`); } });
      const ping = setInterval(() => { write(': ping\n\n'); }, 15_000);
      const stop = () => {
        tail.stop();
        clearInterval(ping);
        stream.end();
      };
      req.signal?.addEventListener('abort', stop);
      stream.on('close', stop);
      write(': tailing\n\n');
      tail.start();
      return Promise.resolve({ status: 200, headers: { 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' }, contentType: 'text/event-stream', body: stream });
    },

    /**
     * GET /api/v1/logs/histogram — counts per `step` bucket (buckets start at multiples of the step;
     * default: a round step giving at most 100 buckets), optionally `by=severity|service`. With
     * steps of whole minutes and no word, attribute or id filter, the edge buckets count whole
     * minutes (answered from the per-minute counts).
     */
    histogram: async (req: ApiRequest): Promise<ApiResponse> => {
      const q = logQuery(req, d.now());
      const stepText = single(req, 'step');
      let step = niceStep(q.range.end - q.range.start);
      if (stepText) {
        try {
          step = /^\d+(\.\d+)?$/.test(stepText) ? Number(stepText) * 1000 : parseDuration(stepText);
        } catch (err) {
          throw new ApiError('BAD_PARAMETER', `invalid parameter "step": ${(err as Error).message}`);
        }
        if (!(step >= 1) || (q.range.end - q.range.start) / step > 11_000) throw new ApiError('BAD_PARAMETER', 'invalid parameter "step": at most 11,000 buckets per range');
      }
      const by = single(req, 'by');
      if (by !== undefined && by !== '' && by !== 'severity' && by !== 'service') throw new ApiError('BAD_PARAMETER', 'invalid parameter "by": severity or service');
      const counts = await d.logs.logCounts(req.tenant, q, step, by === 'severity' || by === 'service' ? by : undefined);
      return ok({ step: step / 1000, buckets: counts });
    },

    /** GET /api/v1/logs/facets?field=service|severity|<attribute> — top values with counts. */
    facets: async (req: ApiRequest): Promise<ApiResponse> => {
      const field = single(req, 'field');
      if (!field) throw new ApiError('BAD_PARAMETER', 'missing parameter "field"');
      return ok(await d.logs.logFacet(req.tenant, logQuery(req, d.now()), field, Math.min(limit(req, 'limit', 10), 1000)));
    },

    /** GET /api/v1/traces/:traceId — every span as a waterfall; 404 when unknown. */
    trace: async (req: ApiRequest): Promise<ApiResponse> => {
      const id = req.params.traceId ?? '';
      if (!/^[0-9a-fA-F]{32}$/.test(id)) throw new ApiError('BAD_PARAMETER', 'a trace id is 32 hex digits');
      const spans = await d.traces.trace(req.tenant, id);
      if (spans.length === 0) throw new ApiError('NOT_FOUND', `trace ${id} not found`);
      return ok(waterfall(id.toLowerCase(), spans));
    },

    /** GET /api/v1/traces — traces with a span matching `service`, `operation`, `attr`, `minDuration`, `maxDuration`, `status`. */
    searchTraces: async (req: ApiRequest): Promise<ApiResponse> => {
      const now = d.now();
      const status = single(req, 'status');
      if (status !== undefined && status !== '' && !['Unset', 'Ok', 'Error'].includes(status)) throw new ApiError('BAD_PARAMETER', 'invalid parameter "status": Unset, Ok or Error');
      const minDurationNano = durationNano(req, 'minDuration');
      const maxDurationNano = durationNano(req, 'maxDuration');
      const q: TraceQuery = {
        range: timeRange(req, { start: now - HOUR_MS, end: now }),
        attributes: attributes(req),
        limit: Math.min(limit(req, 'limit', 20), 1000),
        ...(single(req, 'service') ? { service: single(req, 'service') } : {}),
        ...(single(req, 'operation') ? { operation: single(req, 'operation') } : {}),
        ...(status ? { status: status as TraceQuery['status'] } : {}),
        ...(minDurationNano !== undefined ? { minDurationNano } : {}),
        ...(maxDurationNano !== undefined ? { maxDurationNano } : {}),
      };
      return ok(await d.traces.searchTraces(req.tenant, q));
    },

    /** GET /api/v1/traces/services — services with spans in the range (default: the last 24 hours). */
    services: async (req: ApiRequest): Promise<ApiResponse> => {
      const now = d.now();
      return ok(await d.traces.services(req.tenant, timeRange(req, { start: now - 24 * HOUR_MS, end: now })));
    },

    /** GET /api/v1/traces/dependencies — calls between services in the range (default: the last 24 hours). */
    dependencies: async (req: ApiRequest): Promise<ApiResponse> => {
      const now = d.now();
      return ok(await d.traces.dependencies(req.tenant, timeRange(req, { start: now - 24 * HOUR_MS, end: now })));
    },

    /** GET /api/v1/traces/services/:service/operations */
    operations: async (req: ApiRequest): Promise<ApiResponse> => {
      const now = d.now();
      return ok(await d.traces.operations(req.tenant, req.params.service ?? '', timeRange(req, { start: now - 24 * HOUR_MS, end: now })));
    },
  };
}
