import type { Alert } from '../rules/alert-state.js';
import type { ShownAlert } from '../rules/group.js';
import type { RuleManager } from '../rules/manager.js';
import { ConfigError } from '../config/load.js';
import { ApiError } from './errors.js';
import { single } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

const rfc3339 = (ms: number) => new Date(ms).toISOString();

function alertJson(a: ShownAlert): Record<string, unknown> {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: rfc3339(a.activeAt),
    // Prometheus: strconv.FormatFloat(value, 'e', -1, 64).
    value: a.value.toExponential().replace(/e([-+])(\d)$/, 'e$10$2'),
    ...(a.keepFiringSince ? { keepFiringSince: rfc3339(a.keepFiringSince) } : {}),
  };
}

/** The state of a rule is the "highest" state of its alerts (firing > pending > inactive). */
function ruleState(alerts: readonly Alert[]): string {
  return alerts.some((a) => a.state === 'firing') ? 'firing' : alerts.some((a) => a.state === 'pending') ? 'pending' : 'inactive';
}

/** `/api/v1/rules` and `/api/v1/alerts` in Prometheus's shapes. */
export function ruleHandlers(rules: RuleManager, reload: () => Promise<void>) {
  return {
    /** POST|PUT /-/reload: reads the rule files again; an invalid one keeps the running rules. */
    reload: async (): Promise<ApiResponse> => {
      try {
        await reload();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        throw new ApiError('BAD_RULES', `rule files not reloaded: ${err.problems.join('; ')}`, { errors: err.problems });
      }
      return { status: 200, body: { status: 'success' } };
    },

    /** GET /api/v1/rules[?type=alert|record] */
    rules: (req: ApiRequest): Promise<ApiResponse> => {
      const type = single(req, 'type');
      const groups = rules.groups.map((g) => ({
        name: g.group.name,
        file: g.group.file,
        interval: rules.intervalOf(g) / 1000,
        limit: g.group.limit,
        rules: g.runs.filter((r) => !type || (type === 'alert') === (r.rule.kind === 'alerting')).map((r) => {
          const common = { health: r.health, ...(r.lastError ? { lastError: r.lastError } : {}), evaluationTime: r.evaluationSeconds, lastEvaluation: rfc3339(r.lastEvaluation) };
          if (r.rule.kind === 'recording') return { name: r.rule.record, query: r.rule.exprText, labels: r.rule.labels, ...common, type: 'recording' };
          const alerts = g.alertsOf(r);
          return {
            state: ruleState(alerts),
            name: r.rule.alert,
            query: r.rule.exprText,
            duration: r.rule.forMs / 1000,
            keepFiringFor: r.rule.keepFiringForMs / 1000,
            labels: r.rule.labels,
            annotations: r.rule.annotations,
            alerts: alerts.map(alertJson),
            ...common,
            type: 'alerting',
          };
        }),
        evaluationTime: g.evaluationSeconds,
        lastEvaluation: rfc3339(g.lastEvaluation),
      }));
      return Promise.resolve(ok({ groups }));
    },

    /** GET /api/v1/alerts: the pending and firing alerts. */
    alerts: (): Promise<ApiResponse> => Promise.resolve(ok({ alerts: rules.groups.flatMap((g) => g.alerts()).map(alertJson) })),
  };
}
