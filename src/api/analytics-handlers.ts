import type { CaptureIngest, CaptureResult } from '../ingest/analytics/capture.js';
import type { AiReader, AnalyticsReader, Interval, PropertyFilter } from '../storage/interface.js';
import { ApiError } from './errors.js';
import { jsonBody, single, timeRange } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

const DAY_MS = 86_400_000;
const INTERVALS = ['hour', 'day', 'week', 'month'] as const;

const header = (req: ApiRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** A property filter as written in a parameter: `key=value`, `!=`, `=~`, `!~`, `>`, `>=`, `<`, `<=`, or `key` (exists). */
export function parsePropertyFilter(text: string): PropertyFilter {
  const m = /^([^=!~<>]+?)\s*(>=|<=|!=|=~|!~|=|>|<)(.*)$/s.exec(text);
  if (m) return { key: m[1]!.trim(), op: m[2] as PropertyFilter['op'], value: m[3]!.trim() };
  if (!text.trim() || /^[=!~<>]/.test(text)) throw new ApiError('BAD_PARAMETER', `invalid filter "${text}": use key=value, key!=value, key=~regex, key>number, …`);
  return { key: text.trim(), op: 'exists', value: '' };
}

function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": one of ${allowed.join(', ')}`);
  return v as T;
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new ApiError('BAD_PARAMETER', `missing parameter "${name}"`);
  return v;
}

/** The capture endpoints (PostHog and Segment clients) and the analytics queries. */
export function analyticsHandlers(d: { capture: CaptureIngest; analytics: AnalyticsReader & AiReader; now: () => number }) {
  const posthogAnswer = (r: CaptureResult): ApiResponse => ({ body: { status: 1, ...(r.rejected > 0 ? { rejected: r.rejected, errors: r.errors } : {}) } });
  const segmentAnswer = (r: CaptureResult): ApiResponse => ({ body: { success: true, ...(r.rejected > 0 ? { rejected: r.rejected, errors: r.errors } : {}) } });
  const segment = (type?: string) => async (req: ApiRequest) => segmentAnswer(await d.capture.segment(req.tenant, req.body, header(req, 'content-encoding'), type, header(req, 'authorization')));
  const range = (req: ApiRequest, days: number) => {
    const now = d.now();
    return timeRange(req, { start: now - days * DAY_MS, end: now });
  };
  const filters = (req: ApiRequest) => (req.query.get('filter') ?? []).map(parsePropertyFilter);
  return {
    /** POST /batch, /capture, /e, /i/v0/e — PostHog's capture API (posthog-node, posthog-js). */
    posthog: async (req: ApiRequest): Promise<ApiResponse> => posthogAnswer(await d.capture.posthog(req.tenant, req.body, header(req, 'content-encoding'), header(req, 'authorization'))),
    /** POST /v1/batch — Segment's batch API. */
    segmentBatch: segment(),
    segmentTrack: segment('track'),
    segmentIdentify: segment('identify'),
    segmentPage: segment('page'),
    segmentScreen: segment('screen'),

    /** GET /api/v1/analytics/trend?event=&interval=&measure=count|users|sum|avg&property=&breakdown=&filter= */
    trend: async (req: ApiRequest): Promise<ApiResponse> => {
      const measure = oneOf(single(req, 'measure'), 'measure', ['count', 'users', 'sum', 'avg'] as const, 'count');
      const property = single(req, 'property');
      if ((measure === 'sum' || measure === 'avg') && !property) throw new ApiError('BAD_PARAMETER', `measure "${measure}" needs a "property"`);
      const breakdown = single(req, 'breakdown');
      return ok(await d.analytics.trend(req.tenant, {
        event: required(single(req, 'event'), 'event'), range: range(req, 30), interval: oneOf<Interval>(single(req, 'interval'), 'interval', INTERVALS, 'day'),
        measure, filters: filters(req), ...(property ? { property } : {}), ...(breakdown ? { breakdown } : {}),
      }));
    },

    /** GET /api/v1/analytics/active-users?interval=day|week|month — unique people with any event per interval (DAU/WAU/MAU). */
    activeUsers: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.analytics.trend(req.tenant, {
      event: '*', range: range(req, 90), interval: oneOf(single(req, 'interval'), 'interval', ['day', 'week', 'month'] as const, 'day'), measure: 'users', filters: filters(req),
    })),

    /**
     * POST /api/v1/analytics/funnel with `{"steps": [{"event": "…", "filters": ["key=value"]}, …],
     * "window": "1d", "start": …, "end": …, "breakdown": "property"}`: people per step, conversion
     * from the first step and from the previous one, drop-off.
     */
    funnel: async (req: ApiRequest): Promise<ApiResponse> => {
      const b = (jsonBody(req) ?? {}) as { steps?: unknown; window?: unknown; windowSeconds?: unknown; breakdown?: unknown; start?: unknown; end?: unknown };
      if (!Array.isArray(b.steps) || b.steps.length < 2) throw new ApiError('BAD_JSON', '"steps" must list at least two steps');
      const steps = b.steps.map((s: unknown, i) => {
        const o = (s ?? {}) as { event?: unknown; filters?: unknown };
        if (typeof o.event !== 'string' || !o.event) throw new ApiError('BAD_JSON', `steps[${i}].event must be an event name`);
        const fs = Array.isArray(o.filters) ? o.filters.map((f) => parsePropertyFilter(String(f))) : [];
        return { event: o.event, filters: fs };
      });
      const windowMs = typeof b.windowSeconds === 'number' ? b.windowSeconds * 1000 : typeof b.window === 'string' ? parseWindow(b.window) : DAY_MS;
      const now = d.now();
      const start = typeof b.start === 'number' ? b.start * 1000 : now - 30 * DAY_MS;
      const end = typeof b.end === 'number' ? b.end * 1000 : now;
      const results = await d.analytics.funnel(req.tenant, { steps, windowMs, range: { start, end }, ...(typeof b.breakdown === 'string' && b.breakdown ? { breakdown: b.breakdown } : {}) });
      return ok(results.map((r) => ({
        breakdown: r.breakdown,
        medianSecondsToConvert: r.medianConversionMs === null ? null : r.medianConversionMs / 1000,
        steps: steps.map((s, i) => ({
          event: s.event, count: r.counts[i] ?? 0,
          conversion: r.counts[0] ? (r.counts[i] ?? 0) / r.counts[0] : 0,
          fromPrevious: i === 0 ? 1 : r.counts[i - 1] ? (r.counts[i] ?? 0) / r.counts[i - 1]! : 0,
          dropOff: i === 0 ? 0 : (r.counts[i - 1] ?? 0) - (r.counts[i] ?? 0),
        })),
      })));
    },

    /** GET /api/v1/analytics/journey?distinct_id=&limit= — a person's events in order, numbered by session (default range: 30 days). */
    journey: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.analytics.journey(req.tenant, required(single(req, 'distinct_id'), 'distinct_id'), range(req, 30), Math.min(limitOf(req, 1000), 10_000))),

    /** GET /api/v1/analytics/paths?event=&direction=after|before&steps=3&limit=20 — the most common next (or previous) events. */
    paths: async (req: ApiRequest): Promise<ApiResponse> => {
      const steps = Number(single(req, 'steps') ?? '3');
      if (!Number.isInteger(steps) || steps < 1 || steps > 10) throw new ApiError('BAD_PARAMETER', 'invalid parameter "steps": 1 to 10');
      return ok(await d.analytics.paths(req.tenant, {
        event: required(single(req, 'event'), 'event'), direction: oneOf(single(req, 'direction'), 'direction', ['after', 'before'] as const, 'after'), steps, range: range(req, 30), limit: Math.min(limitOf(req, 20), 1000),
      }));
    },

    /** GET /api/v1/analytics/features?event=a&event=b — uses, people and adoption (share of active people) per feature event. */
    features: async (req: ApiRequest): Promise<ApiResponse> => {
      const events = (req.query.get('event') ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean);
      if (events.length === 0) throw new ApiError('BAD_PARAMETER', 'missing parameter "event" (one per feature)');
      return ok(await d.analytics.features(req.tenant, events, range(req, 30)));
    },

    /** GET /api/v1/analytics/stickiness?event=&interval=day|week — people by the number of days (weeks) they did the event. */
    stickiness: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.analytics.stickiness(
      req.tenant, required(single(req, 'event'), 'event'), oneOf(single(req, 'interval'), 'interval', ['day', 'week'] as const, 'day'), range(req, 30),
    )),

    /** GET /api/v1/ai/models — per model: calls, success rate, latency percentiles, input and output tokens (default range: 7 days). */
    aiModels: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.analytics.aiModels(req.tenant, range(req, 7))),

    /** GET /api/v1/ai/agents — per agent: runs started, completed, failed, error rate, duration percentiles. */
    aiAgents: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.analytics.aiAgents(req.tenant, range(req, 7))),

    /** GET /api/v1/analytics/retention?start_event=&return_event=&period=day|week|month&periods= */
    retention: async (req: ApiRequest): Promise<ApiResponse> => {
      const startEvent = required(single(req, 'start_event'), 'start_event');
      const periodsText = single(req, 'periods') ?? '8';
      if (!/^\d+$/.test(periodsText) || Number(periodsText) < 1 || Number(periodsText) > 120) throw new ApiError('BAD_PARAMETER', 'invalid parameter "periods": 1 to 120');
      const cohorts = await d.analytics.retention(req.tenant, {
        startEvent, returnEvent: single(req, 'return_event') ?? startEvent, period: oneOf(single(req, 'period'), 'period', ['day', 'week', 'month'] as const, 'week'),
        periods: Number(periodsText), range: range(req, 56),
      });
      return ok(cohorts.map((c) => ({ ...c, rates: c.returned.map((n) => (c.size ? n / c.size : 0)) })));
    },
  };
}

function limitOf(req: ApiRequest, fallback: number): number {
  const v = single(req, 'limit');
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new ApiError('BAD_PARAMETER', 'invalid parameter "limit": a positive integer');
  return Number(v);
}

function parseWindow(text: string): number {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (!m) throw new ApiError('BAD_JSON', `"window" must be a duration like 30m, 1d or 7d, not ${JSON.stringify(text)}`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[m[2] as 's'];
}
