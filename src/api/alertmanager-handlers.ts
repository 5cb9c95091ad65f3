import { matcherOf, matches, matchesAll, parseMatcher, type AmMatcher } from '../alertmanager/matchers.js';
import { RESOLVE_TIMEOUT_MS, silenceState, type AlertStore, type Silence, type SilenceStore } from '../alertmanager/store.js';
import type { AmConfig } from '../alertmanager/config.js';
import { inhibitedBy, routesFor } from '../alertmanager/route.js';
import { ApiError } from './errors.js';
import { jsonBody, single } from './params.js';
import type { ApiRequest, ApiResponse } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

function time(x: unknown, where: string, fallback: number): number {
  if (x === undefined || x === null || x === '' || x === '0001-01-01T00:00:00.000Z') return fallback;
  const ms = typeof x === 'string' ? Date.parse(x) : NaN;
  if (Number.isNaN(ms)) throw new ApiError('BAD_JSON', `${where}: not an RFC 3339 time: ${JSON.stringify(x)}`);
  return ms;
}

function labelMap(x: unknown, where: string): Record<string, string> {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'object' || Array.isArray(x) || Object.values(x).some((v) => typeof v !== 'string')) throw new ApiError('BAD_JSON', `${where}: must be an object of strings`);
  return x as Record<string, string>;
}

function boolParam(req: ApiRequest, name: string, fallback: boolean): boolean {
  const v = single(req, name);
  return v === undefined || v === '' ? fallback : v === 'true';
}

function filters(req: ApiRequest): AmMatcher[] {
  try {
    return (req.query.get('filter') ?? []).map(parseMatcher);
  } catch (err) {
    throw new ApiError('BAD_PARAMETER', `invalid parameter "filter": ${(err as Error).message}`);
  }
}

function silenceJson(s: Silence, now: number): Record<string, unknown> {
  return { id: s.id, status: { state: silenceState(s, now) }, updatedAt: iso(s.updatedAt), matchers: s.matchers, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), createdBy: s.createdBy, comment: s.comment };
}

/**
 * The Alertmanager API v2 (the parts Prometheus and amtool use): receive alerts, list them with
 * their silence status, create / list / expire silences, status. A real Prometheus can send its
 * alerts here, and amtool can manage silences.
 */
export function alertmanagerHandlers(alerts: AlertStore, silences: SilenceStore, o: { now: () => number; version: string; startedAt: number; config: () => AmConfig }) {
  return {
    /** POST /api/v2/alerts */
    postAlerts: (req: ApiRequest): Promise<ApiResponse> => {
      const list = jsonBody(req);
      if (!Array.isArray(list)) throw new ApiError('BAD_JSON', 'the body must be a list of alerts');
      const now = o.now();
      const parsed = list.map((a: unknown, i) => {
        const x = (a ?? {}) as Record<string, unknown>;
        const labels = labelMap(x.labels, `alert ${i}: labels`);
        if (Object.keys(labels).length === 0) throw new ApiError('BAD_JSON', `alert ${i}: labels must not be empty`);
        const startsAt = time(x.startsAt, `alert ${i}: startsAt`, now);
        const endsAt = time(x.endsAt, `alert ${i}: endsAt`, now + RESOLVE_TIMEOUT_MS);
        if (endsAt < startsAt) throw new ApiError('BAD_JSON', `alert ${i}: end time must not be before start time`);
        return { labels, annotations: labelMap(x.annotations, `alert ${i}: annotations`), startsAt, endsAt, updatedAt: now, generatorURL: typeof x.generatorURL === 'string' ? x.generatorURL : '' };
      });
      for (const a of parsed) alerts.put(a, 'api');
      return Promise.resolve({ status: 200 });
    },

    /** GET /api/v2/alerts?active=&silenced=&inhibited=&unprocessed=&filter=…&receiver= */
    getAlerts: (req: ApiRequest): Promise<ApiResponse> => {
      const now = o.now();
      const config = o.config();
      const want = { active: boolParam(req, 'active', true), silenced: boolParam(req, 'silenced', true), inhibited: boolParam(req, 'inhibited', true) };
      const ms = filters(req);
      const receiver = single(req, 'receiver');
      const live = alerts.active(now);
      const sources = live.map((a) => ({ fingerprint: a.fingerprint, labels: a.alert.labels }));
      const out = live.filter(({ alert }) => matchesAll(ms, alert.labels)).flatMap(({ fingerprint: fp, alert }) => {
        const receivers = [...new Set(routesFor(config.route, alert.labels).map((r) => r.receiver))];
        if (receiver && !receivers.some((r) => matches({ name: 'r', value: receiver, isRegex: true, isEqual: true }, { r }))) return [];
        const silencedBy = silences.silencing(alert.labels, now);
        const inhibited = inhibitedBy(config.inhibitRules, { fingerprint: fp, labels: alert.labels }, sources);
        const state = silencedBy.length > 0 || inhibited.length > 0 ? 'suppressed' : 'active';
        if (state === 'active' ? !want.active : (silencedBy.length > 0 && !want.silenced) || (inhibited.length > 0 && !want.inhibited)) return [];
        return [{
          labels: alert.labels, annotations: alert.annotations, startsAt: iso(alert.startsAt), endsAt: iso(alert.endsAt), updatedAt: iso(alert.updatedAt),
          fingerprint: fp, receivers: receivers.map((name) => ({ name })), status: { state, silencedBy, inhibitedBy: inhibited }, generatorURL: alert.generatorURL,
        }];
      });
      return Promise.resolve({ body: out });
    },

    /** POST /api/v2/silences: creates (or, with an id, replaces) a silence. */
    postSilence: (req: ApiRequest): Promise<ApiResponse> => {
      const x = (jsonBody(req) ?? {}) as Record<string, unknown>;
      const now = o.now();
      let matchers: AmMatcher[];
      try {
        if (!Array.isArray(x.matchers) || x.matchers.length === 0) throw new Error('a silence needs at least one matcher');
        matchers = x.matchers.map((m, i) => matcherOf(m, `matchers[${i}]`));
      } catch (err) {
        throw new ApiError('BAD_JSON', (err as Error).message);
      }
      if (matchers.every((m) => matches(m, {}))) throw new ApiError('BAD_JSON', 'at least one matcher must not match the empty string');
      const startsAt = time(x.startsAt, 'startsAt', now);
      const endsAt = time(x.endsAt, 'endsAt', NaN);
      if (Number.isNaN(endsAt) || endsAt <= startsAt) throw new ApiError('BAD_JSON', 'endsAt must be after startsAt');
      if (endsAt <= now) throw new ApiError('BAD_JSON', 'endsAt must be in the future');
      const id = typeof x.id === 'string' && x.id !== '' ? x.id : undefined;
      try {
        const silenceID = silences.put({ ...(id ? { id } : {}), matchers, startsAt, endsAt, createdBy: typeof x.createdBy === 'string' ? x.createdBy : '', comment: typeof x.comment === 'string' ? x.comment : '' }, now);
        return Promise.resolve({ body: { silenceID } });
      } catch (err) {
        throw new ApiError('NOT_FOUND', (err as Error).message);
      }
    },

    /** GET /api/v2/silences?filter=… */
    getSilences: (req: ApiRequest): Promise<ApiResponse> => {
      const ms = filters(req);
      const now = o.now();
      // A silence passes a filter when its matchers contain one equal to each filter matcher.
      const list = silences.list().filter((s) => ms.every((f) => s.matchers.some((m) => m.name === f.name && m.value === f.value && m.isRegex === f.isRegex && m.isEqual === f.isEqual)));
      return Promise.resolve({ body: list.map((s) => silenceJson(s, now)) });
    },

    /** GET /api/v2/silence/:id */
    getSilence: (req: ApiRequest): Promise<ApiResponse> => {
      const s = silences.get(req.params.id ?? '');
      if (!s) throw new ApiError('NOT_FOUND', `silence ${req.params.id} not found`);
      return Promise.resolve({ body: silenceJson(s, o.now()) });
    },

    /** DELETE /api/v2/silence/:id: expires the silence. */
    deleteSilence: (req: ApiRequest): Promise<ApiResponse> => {
      if (!silences.expire(req.params.id ?? '', o.now())) throw new ApiError('NOT_FOUND', `silence ${req.params.id} not found or already expired`);
      return Promise.resolve({ status: 200 });
    },

    /** GET /api/v2/status */
    status: (): Promise<ApiResponse> => Promise.resolve({
      body: {
        cluster: { status: 'disabled', peers: [] },
        config: { original: o.config().original },
        uptime: iso(o.startedAt),
        versionInfo: { branch: '', buildDate: '', buildUser: '', goVersion: '', revision: '', version: o.version },
      },
    }),

    /** GET /api/v2/receivers */
    receivers: (): Promise<ApiResponse> => Promise.resolve({ body: o.config().receivers.map((name) => ({ name })) }),
  };
}

