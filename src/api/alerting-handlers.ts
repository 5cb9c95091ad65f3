import type { AckStore } from '../alertmanager/acks.js';
import { reliability } from '../alertmanager/history.js';
import type { AlertStore } from '../alertmanager/store.js';
import type { AlertHistoryStorage } from '../storage/interface.js';
import { ApiError } from './errors.js';
import { jsonBody, limit, matchers, single, timeRange } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

export interface AlertingDeps {
  history: AlertHistoryStorage;
  alerts: AlertStore;
  acks: AckStore;
  now: () => number;
}

const DAY_MS = 86_400_000;

/** The optional string parameter `name`, undefined when absent or empty. */
function optional(req: ApiRequest, name: string): string | undefined {
  const v = single(req, name);
  return v === undefined || v === '' ? undefined : v;
}

/**
 * What Alertmanager does not have: acknowledging alerts (which stops their escalation), and the
 * alerting history — state changes, notification attempts, and MTTR / MTBF per rule. History
 * ranges default to the last 24 hours (`start`, `end` as in the Prometheus API).
 */
export function alertingHandlers(d: AlertingDeps) {
  const range = (req: ApiRequest) => {
    const now = d.now();
    return timeRange(req, { start: now - DAY_MS, end: now });
  };
  return {
    /** GET /api/v1/alerting/alerts: active alerts with their fingerprint and acknowledgement. */
    alerts: (): Promise<ApiResponse> => {
      const now = d.now();
      return Promise.resolve(ok(d.alerts.active(now).map(({ fingerprint, alert }) => {
        const ack = d.acks.of(fingerprint, alert.startsAt);
        return {
          fingerprint, labels: alert.labels, annotations: alert.annotations, startsAt: new Date(alert.startsAt).toISOString(),
          acknowledgement: ack ? { by: ack.by, comment: ack.comment, at: new Date(ack.at).toISOString() } : null,
        };
      })));
    },

    /** POST /api/v1/alerting/alerts/:fingerprint/ack with `{"by": "...", "comment": "..."}`. */
    acknowledge: (req: ApiRequest): Promise<ApiResponse> => {
      const fp = req.params.fingerprint ?? '';
      const x = req.body.length === 0 ? {} : jsonBody(req);
      if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ApiError('BAD_JSON', 'the body must be an object with optional "by" and "comment"');
      const { by, comment } = x as { by?: unknown; comment?: unknown };
      if ((by !== undefined && typeof by !== 'string') || (comment !== undefined && typeof comment !== 'string')) throw new ApiError('BAD_JSON', '"by" and "comment" must be strings');
      const now = d.now();
      const alert = d.alerts.active(now).find((a) => a.fingerprint === fp);
      if (!alert) throw new ApiError('NOT_FOUND', `no active alert with fingerprint ${fp}`);
      const ack = { fingerprint: fp, startsAt: alert.alert.startsAt, by: by ?? '', comment: comment ?? '', at: now };
      d.acks.put(ack);
      return Promise.resolve(ok({ fingerprint: fp, by: ack.by, comment: ack.comment, at: new Date(now).toISOString() }));
    },

    /** DELETE /api/v1/alerting/alerts/:fingerprint/ack */
    unacknowledge: (req: ApiRequest): Promise<ApiResponse> => {
      const fp = req.params.fingerprint ?? '';
      if (!d.acks.remove(fp)) throw new ApiError('NOT_FOUND', `alert ${fp} is not acknowledged`);
      return Promise.resolve(ok(null));
    },

    /** GET /api/v1/alerting/history?rule=&match[]=&start=&end=&limit= : state changes, newest first. */
    history: async (req: ApiRequest): Promise<ApiResponse> => {
      const rule = optional(req, 'rule');
      const events = await d.history.alertEvents(req.tenant, { range: range(req), matcherSets: matchers(req, false), limit: limit(req, 'limit', 1000), ...(rule === undefined ? {} : { rule }) });
      return ok(events.map((e) => ({ ...e, time: new Date(e.time).toISOString(), activeAt: new Date(e.activeAt).toISOString() })));
    },

    /** GET /api/v1/alerting/notifications?receiver=&rule=&outcome=&start=&end=&limit= : attempts, newest first. */
    notifications: async (req: ApiRequest): Promise<ApiResponse> => {
      const q = { range: range(req), limit: limit(req, 'limit', 1000) };
      const extra = Object.fromEntries((['receiver', 'rule', 'outcome'] as const).flatMap((k) => {
        const v = optional(req, k);
        return v === undefined ? [] : [[k, v]];
      })) as { receiver?: string; rule?: string; outcome?: string };
      const attempts = await d.history.notificationAttempts(req.tenant, { ...q, ...extra });
      return ok(attempts.map((a) => ({ ...a, time: new Date(a.time).toISOString() })));
    },

    /** GET /api/v1/alerting/reliability?rule=&start=&end= : incidents, MTTR and MTBF per rule. */
    reliability: async (req: ApiRequest): Promise<ApiResponse> => {
      const rule = optional(req, 'rule');
      const events = await d.history.alertEvents(req.tenant, { range: range(req), matcherSets: [], limit: 1_000_000, ...(rule === undefined ? {} : { rule }) });
      return ok(reliability(events));
    },
  };
}
