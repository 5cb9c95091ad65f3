import type { alertingHandlers } from './alerting-handlers.js';
import type { alertmanagerHandlers } from './alertmanager-handlers.js';
import type { analyticsHandlers } from './analytics-handlers.js';
import type { dashboardHandlers } from './dashboard-handlers.js';
import { sentryAdmit, type errorHandlers } from './error-handlers.js';
import type { eventHandlers } from './event-handlers.js';
import type { healthHandlers } from './health-handlers.js';
import type { ingestHandlers } from './ingest-handlers.js';
import type { jaegerHandlers } from './jaeger-handlers.js';
import type { kpiHandlers } from './kpi-handlers.js';
import type { lokiHandlers } from './loki-handlers.js';
import type { otlpHandlers } from './otlp-handlers.js';
import type { queryHandlers } from './query-handlers.js';
import type { readHandlers } from './read-handlers.js';
import type { ruleHandlers } from './rule-handlers.js';
import { ok, type Route } from './types.js';

export interface RouteDeps {
  ingest: ReturnType<typeof ingestHandlers>;
  otlp: ReturnType<typeof otlpHandlers>;
  events: ReturnType<typeof eventHandlers>;
  loki: ReturnType<typeof lokiHandlers>;
  jaeger: ReturnType<typeof jaegerHandlers>;
  errors: ReturnType<typeof errorHandlers>;
  analytics: ReturnType<typeof analyticsHandlers>;
  kpis: ReturnType<typeof kpiHandlers>;
  read: ReturnType<typeof readHandlers>;
  query: ReturnType<typeof queryHandlers>;
  health: ReturnType<typeof healthHandlers>;
  rules: ReturnType<typeof ruleHandlers>;
  alertmanager: ReturnType<typeof alertmanagerHandlers>;
  alerting: ReturnType<typeof alertingHandlers>;
  dashboards: ReturnType<typeof dashboardHandlers>;
  /** Scrape targets and their last result. */
  targets: () => unknown[];
  /** Ingest backpressure check, run before a body is read. */
  admit: () => void;
}

/** The route table: every endpoint the server answers. The README lists the same set. */
export function routes(d: RouteDeps): Route[] {
  const both = (url: string, handler: Route['handler']): Route[] => [
    { method: 'GET', url, handler },
    { method: 'POST', url, handler },
  ];
  return [
    { method: 'POST', url: '/api/v1/write', handler: d.ingest.remoteWrite, admit: d.admit },
    { method: 'POST', url: '/api/v1/import/prometheus', handler: d.ingest.importPrometheus, admit: d.admit },
    { method: 'POST', url: '/api/v1/import', handler: d.ingest.importJson, admit: d.admit },
    { method: 'POST', url: '/v1/logs', handler: d.otlp.logs, admit: d.admit },
    { method: 'POST', url: '/v1/traces', handler: d.otlp.traces, admit: d.admit },
    { method: 'POST', url: '/v1/metrics', handler: d.otlp.metrics, admit: d.admit },
    ...both('/api/v1/query', d.query.query),
    ...both('/api/v1/query_range', d.query.queryRange),
    ...both('/api/v1/format_query', d.query.formatQuery),
    ...both('/api/v1/parse_query', d.query.parseQuery),
    ...both('/api/v1/query_exemplars', d.query.queryExemplars),
    ...both('/api/v1/series', d.read.series),
    ...both('/api/v1/labels', d.read.labels),
    { method: 'GET', url: '/api/v1/label/:name/values', handler: d.read.labelValues },
    { method: 'GET', url: '/api/v1/metadata', handler: d.read.metadata },
    { method: 'GET', url: '/api/v1/status/buildinfo', handler: d.read.buildinfo },
    ...both('/api/v1/export', d.read.exportJson),
    ...both('/api/v1/export/:format', d.read.exportJson),
    { method: 'GET', url: '/api/v1/rules', handler: d.rules.rules },
    { method: 'GET', url: '/api/v1/alerts', handler: d.rules.alerts },
    { method: 'POST', url: '/api/v2/alerts', handler: d.alertmanager.postAlerts },
    { method: 'GET', url: '/api/v2/alerts', handler: d.alertmanager.getAlerts },
    { method: 'POST', url: '/api/v2/silences', handler: d.alertmanager.postSilence },
    { method: 'GET', url: '/api/v2/silences', handler: d.alertmanager.getSilences },
    { method: 'GET', url: '/api/v2/silence/:id', handler: d.alertmanager.getSilence },
    { method: 'DELETE', url: '/api/v2/silence/:id', handler: d.alertmanager.deleteSilence },
    { method: 'GET', url: '/api/v2/status', handler: d.alertmanager.status },
    { method: 'GET', url: '/api/v2/receivers', handler: d.alertmanager.receivers },
    { method: 'POST', url: '/loki/api/v1/push', handler: d.loki.push, admit: d.admit },
    ...both('/loki/api/v1/query_range', d.loki.queryRange),
    ...both('/loki/api/v1/query', d.loki.query),
    ...both('/loki/api/v1/labels', d.loki.labels),
    { method: 'GET', url: '/loki/api/v1/label/:name/values', handler: d.loki.labelValues },
    ...both('/loki/api/v1/series', d.loki.series),
    { method: 'GET', url: '/loki/api/v1/index/stats', handler: d.loki.indexStats },
    { method: 'GET', url: '/loki/api/v1/status/buildinfo', handler: d.loki.buildinfo },
    ...['/batch', '/capture', '/e', '/i/v0/e', '/track'].map((url): Route => ({ method: 'POST', url, handler: d.analytics.posthog, admit: d.admit })),
    { method: 'POST', url: '/v1/batch', handler: d.analytics.segmentBatch, admit: d.admit },
    { method: 'POST', url: '/v1/track', handler: d.analytics.segmentTrack, admit: d.admit },
    { method: 'POST', url: '/v1/identify', handler: d.analytics.segmentIdentify, admit: d.admit },
    { method: 'POST', url: '/v1/page', handler: d.analytics.segmentPage, admit: d.admit },
    { method: 'POST', url: '/v1/screen', handler: d.analytics.segmentScreen, admit: d.admit },
    ...both('/api/v1/analytics/trend', d.analytics.trend),
    ...both('/api/v1/analytics/active-users', d.analytics.activeUsers),
    { method: 'POST', url: '/api/v1/analytics/funnel', handler: d.analytics.funnel },
    ...both('/api/v1/analytics/retention', d.analytics.retention),
    ...both('/api/v1/analytics/journey', d.analytics.journey),
    ...both('/api/v1/analytics/paths', d.analytics.paths),
    ...both('/api/v1/analytics/features', d.analytics.features),
    ...both('/api/v1/analytics/stickiness', d.analytics.stickiness),
    { method: 'GET', url: '/api/v1/kpis', handler: d.kpis.report },
    { method: 'PUT', url: '/api/v1/kpis/:name/thresholds', handler: d.kpis.setThresholds },
    { method: 'GET', url: '/api/v1/ai/models', handler: d.analytics.aiModels },
    { method: 'GET', url: '/api/v1/ai/agents', handler: d.analytics.aiAgents },
    { method: 'POST', url: '/api/:projectId/envelope', handler: d.errors.envelope, admit: sentryAdmit(d.admit) },
    { method: 'POST', url: '/api/:projectId/store', handler: d.errors.store, admit: sentryAdmit(d.admit) },
    { method: 'GET', url: '/api/v1/errors/issues', handler: d.errors.issues },
    { method: 'GET', url: '/api/v1/errors/issues/:project/:fingerprint', handler: d.errors.issue },
    { method: 'GET', url: '/api/v1/errors/issues/:project/:fingerprint/events', handler: d.errors.events },
    { method: 'GET', url: '/api/v1/errors/issues/:project/:fingerprint/histogram', handler: d.errors.histogram },
    { method: 'POST', url: '/api/v1/errors/issues/:project/:fingerprint/status', handler: d.errors.setStatus },
    { method: 'GET', url: '/api/services', handler: d.jaeger.services },
    { method: 'GET', url: '/api/services/:service/operations', handler: d.jaeger.operations },
    { method: 'GET', url: '/api/operations', handler: d.jaeger.operationsWithKind },
    { method: 'GET', url: '/api/traces', handler: d.jaeger.search },
    { method: 'GET', url: '/api/traces/:traceId', handler: d.jaeger.trace },
    { method: 'GET', url: '/api/dependencies', handler: d.jaeger.dependencies },
    { method: 'GET', url: '/api/v1/logs', handler: d.events.searchLogs },
    { method: 'GET', url: '/api/v1/logs/histogram', handler: d.events.histogram },
    { method: 'GET', url: '/api/v1/logs/tail', handler: d.events.tail },
    { method: 'GET', url: '/api/v1/logs/facets', handler: d.events.facets },
    { method: 'GET', url: '/api/v1/traces', handler: d.events.searchTraces },
    { method: 'GET', url: '/api/v1/traces/services', handler: d.events.services },
    { method: 'GET', url: '/api/v1/traces/dependencies', handler: d.events.dependencies },
    { method: 'GET', url: '/api/v1/traces/services/:service/operations', handler: d.events.operations },
    { method: 'GET', url: '/api/v1/traces/:traceId', handler: d.events.trace },
    { method: 'GET', url: '/api/v1/alerting/alerts', handler: d.alerting.alerts },
    { method: 'POST', url: '/api/v1/alerting/alerts/:fingerprint/ack', handler: d.alerting.acknowledge },
    { method: 'DELETE', url: '/api/v1/alerting/alerts/:fingerprint/ack', handler: d.alerting.unacknowledge },
    { method: 'GET', url: '/api/v1/alerting/history', handler: d.alerting.history },
    { method: 'GET', url: '/api/v1/alerting/notifications', handler: d.alerting.notifications },
    { method: 'GET', url: '/api/v1/alerting/reliability', handler: d.alerting.reliability },
    { method: 'GET', url: '/api/v1/dashboards', handler: d.dashboards.list },
    { method: 'POST', url: '/api/v1/dashboards', handler: d.dashboards.create },
    { method: 'POST', url: '/api/v1/dashboards/import/grafana', handler: d.dashboards.importGrafana },
    { method: 'GET', url: '/api/v1/dashboards/:id', handler: d.dashboards.get },
    { method: 'PUT', url: '/api/v1/dashboards/:id', handler: d.dashboards.update },
    { method: 'DELETE', url: '/api/v1/dashboards/:id', handler: d.dashboards.remove },
    { method: 'GET', url: '/api/v1/dashboards/:id/versions', handler: d.dashboards.versions },
    { method: 'GET', url: '/api/v1/targets', handler: () => Promise.resolve(ok({ activeTargets: d.targets(), droppedTargets: [] })) },
    { method: 'GET', url: '/health', handler: d.health.health },
    { method: 'GET', url: '/health/live', handler: d.health.live },
    { method: 'GET', url: '/health/ready', handler: d.health.ready },
    { method: 'POST', url: '/-/reload', handler: d.rules.reload },
    { method: 'PUT', url: '/-/reload', handler: d.rules.reload },
    { method: 'GET', url: '/-/healthy', handler: d.health.live },
    { method: 'GET', url: '/-/ready', handler: d.health.ready },
    { method: 'GET', url: '/metrics', handler: d.health.metrics },
  ];
}
