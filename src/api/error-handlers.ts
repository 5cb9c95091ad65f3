import type { SentryIngest, SentryRequest } from '../ingest/sentry/sentry-ingest.js';
import type { ErrorsStorage, IssueQuery } from '../storage/interface.js';
import { parseDuration } from '../util/duration.js';
import { ApiError } from './errors.js';
import { jsonBody, limit, single, timeRange } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

const DAY_MS = 86_400_000;
const STATUSES = ['unresolved', 'resolved', 'ignored'] as const;
const SORTS = ['last_seen', 'count', 'users', 'first_seen'] as const;

function sentryRequest(req: ApiRequest): SentryRequest {
  return { tenant: req.tenant, projectId: req.params.projectId ?? '', body: req.body, query: req.query, headers: req.headers };
}

function oneOf<T extends string>(req: ApiRequest, name: string, allowed: readonly T[]): T | undefined {
  const v = single(req, name);
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new ApiError('BAD_PARAMETER', `invalid parameter "${name}": one of ${allowed.join(', ')}`);
  return v as T;
}

/**
 * The backpressure check of the Sentry endpoints: SDKs back off on 429 with `Retry-After` /
 * `X-Sentry-Rate-Limits`, so the WAL's 503s become 429s here.
 */
export function sentryAdmit(admit: () => void): () => void {
  return () => {
    try {
      admit();
    } catch (err) {
      if (!(err instanceof ApiError) || (err.code !== 'OVERLOADED' && err.code !== 'STORAGE_UNAVAILABLE')) throw err;
      const after = err.headers['Retry-After'] ?? '10';
      throw new ApiError('RATE_LIMITED', err.message, {}, { 'Retry-After': after, 'X-Sentry-Rate-Limits': `${after}::organization` });
    }
  };
}

/** Sentry's ingest endpoints and the error-tracking API (issues, events, counts, status). */
export function errorHandlers(d: { ingest: SentryIngest; errors: ErrorsStorage; now: () => number; onStatus?: (tenant: string, project: string, fingerprint: string, status: string, at: number) => void }) {
  const issueQuery = (req: ApiRequest): IssueQuery => {
    const now = d.now();
    const opt = (name: string) => {
      const v = single(req, name);
      return v === undefined || v === '' ? undefined : v;
    };
    const status = oneOf(req, 'status', STATUSES);
    const project = opt('project');
    const level = opt('level');
    const environment = opt('environment');
    const release = opt('release');
    const text = opt('q');
    return {
      range: timeRange(req, { start: now - 14 * DAY_MS, end: now }),
      sort: oneOf(req, 'sort', SORTS) ?? 'last_seen',
      limit: Math.min(limit(req, 'limit', 100), 1000),
      ...(status ? { status } : {}), ...(project ? { project } : {}), ...(level ? { level } : {}),
      ...(environment ? { environment } : {}), ...(release ? { release } : {}), ...(text ? { text } : {}),
    };
  };
  const issueOf = async (req: ApiRequest) => {
    const project = req.params.project ?? '';
    const fingerprint = req.params.fingerprint ?? '';
    const [issue] = await d.errors.issues(req.tenant, { range: { start: 0, end: d.now() + DAY_MS }, project, fingerprint, sort: 'last_seen', limit: 1 });
    if (!issue) throw new ApiError('NOT_FOUND', `no issue ${fingerprint} in project ${project}`);
    return issue;
  };
  return {
    /** POST /api/:projectId/envelope/ — Sentry envelopes; answers `{"id": <event id>}`. */
    envelope: async (req: ApiRequest): Promise<ApiResponse> => ({ body: { id: (await d.ingest.envelope(sentryRequest(req))).id } }),
    /** POST /api/:projectId/store/ — one Sentry event. */
    store: async (req: ApiRequest): Promise<ApiResponse> => ({ body: { id: (await d.ingest.storeEndpoint(sentryRequest(req))).id } }),

    /** GET /api/v1/errors/issues — issues with events in the range (default: 14 days). */
    issues: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.errors.issues(req.tenant, issueQuery(req))),

    /** GET /api/v1/errors/issues/:project/:fingerprint — the issue and its latest event (stack trace, breadcrumbs, user, tags). */
    issue: async (req: ApiRequest): Promise<ApiResponse> => {
      const issue = await issueOf(req);
      const [latest] = await d.errors.issueEvents(req.tenant, issue.project, issue.fingerprint, 1);
      return ok({ ...issue, latestEvent: latest ?? null });
    },

    /** GET /api/v1/errors/issues/:project/:fingerprint/events — newest first. */
    events: async (req: ApiRequest): Promise<ApiResponse> => {
      const issue = await issueOf(req);
      return ok(await d.errors.issueEvents(req.tenant, issue.project, issue.fingerprint, Math.min(limit(req, 'limit', 50), 1000)));
    },

    /** GET /api/v1/errors/issues/:project/:fingerprint/histogram?step= — events per bucket. */
    histogram: async (req: ApiRequest): Promise<ApiResponse> => {
      const issue = await issueOf(req);
      const now = d.now();
      const range = timeRange(req, { start: now - DAY_MS, end: now });
      const stepText = single(req, 'step');
      let step = 3_600_000;
      if (stepText) {
        try {
          step = /^\d+(\.\d+)?$/.test(stepText) ? Number(stepText) * 1000 : parseDuration(stepText);
        } catch (err) {
          throw new ApiError('BAD_PARAMETER', `invalid parameter "step": ${(err as Error).message}`);
        }
      }
      if (!(step >= 1000) || (range.end - range.start) / step > 11_000) throw new ApiError('BAD_PARAMETER', 'invalid parameter "step": at least 1s and at most 11,000 buckets');
      return ok(await d.errors.issueCounts(req.tenant, issue.project, issue.fingerprint, range, step));
    },

    /** POST /api/v1/errors/issues/:project/:fingerprint/status with `{"status": "resolved" | "ignored" | "unresolved", "release": "…"}`. */
    setStatus: async (req: ApiRequest): Promise<ApiResponse> => {
      const issue = await issueOf(req);
      const b = jsonBody(req) as { status?: unknown; release?: unknown } | null;
      const status = b?.status;
      if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) throw new ApiError('BAD_JSON', `"status" must be one of ${STATUSES.join(', ')}`);
      const at = d.now();
      await d.errors.setIssueStatus(req.tenant, issue.project, issue.fingerprint, status as (typeof STATUSES)[number], typeof b?.release === 'string' ? b.release : '', at);
      d.onStatus?.(req.tenant, issue.project, issue.fingerprint, status, at);
      return ok({ project: issue.project, fingerprint: issue.fingerprint, status });
    },
  };
}
