import type { DashboardSpec, Widget } from './spec.js';

type Layout = Widget['layout'];
const at = (x: number, y: number, w: number, h: number): Layout => ({ x, y, w, h });
const promql = (id: string, type: Widget['type'], title: string, layout: Layout, expr: string, extra: Partial<Widget> = {}): Widget =>
  ({ id, type, title, layout, query: { kind: 'promql', expr }, ...extra });

const HTTP = 'allseer_http_request_duration_seconds';
const SELF = '{job="allseer"}';

/**
 * Dashboards every install starts with (created once, then the users' to change or delete). They
 * read the server's own metrics (job "allseer", see `server.self_scrape_interval`) and its stored
 * events, so they show data from the first minute.
 */
export const SEED_DASHBOARDS: readonly { id: string; spec: DashboardSpec }[] = [
  {
    id: 'system-overview',
    spec: {
      title: 'System Overview', tags: ['allseer'], time: { from: 'now-1h', to: 'now' }, refresh: '15s',
      widgets: [
        { id: 'active-users', type: 'stat', title: 'Active users today', layout: at(0, 0, 3, 4), query: { kind: 'analytics', measure: 'active', interval: 'day' } },
        promql('request-rate', 'stat', 'Requests / s', at(3, 0, 3, 4), `sum(rate(${HTTP}_count[5m]))`, { unit: 'req/s' }),
        promql('error-rate', 'stat', 'Server error ratio', at(6, 0, 3, 4), `(sum(rate(${HTTP}_count{code=~"5.."}[5m])) or vector(0)) / sum(rate(${HTTP}_count[5m]))`,
          { unit: '%', thresholds: [{ value: 0, color: 'green' }, { value: 0.01, color: 'yellow' }, { value: 0.05, color: 'red' }] }),
        promql('p95-latency', 'stat', 'p95 latency', at(9, 0, 3, 4), `histogram_quantile(0.95, sum by (le) (rate(${HTTP}_bucket[5m])))`,
          { unit: 's', thresholds: [{ value: 0, color: 'green' }, { value: 0.5, color: 'yellow' }, { value: 1, color: 'red' }] }),
        { ...promql('requests-by-route', 'timeseries', 'Requests / s by route', at(0, 4, 8, 9), `sum by (route) (rate(${HTTP}_count[5m]))`), query: { kind: 'promql', expr: `sum by (route) (rate(${HTTP}_count[5m]))`, legend: '{{route}}' } },
        promql('status-codes', 'bar', 'Responses by status (last hour)', at(8, 4, 4, 9), `sum by (code) (increase(${HTTP}_count[1h]))`),
      ],
    },
  },
  {
    id: 'business-metrics',
    spec: {
      title: 'Business Metrics', tags: ['allseer'], time: { from: 'now-7d', to: 'now' }, refresh: '1m',
      widgets: [
        { id: 'dau', type: 'timeseries', title: 'Daily active users', layout: at(0, 0, 6, 8), query: { kind: 'analytics', measure: 'active', interval: 'day' } },
        { id: 'pageviews', type: 'bar', title: 'Page views per day', layout: at(6, 0, 6, 8), query: { kind: 'analytics', event: '$pageview', measure: 'count', interval: 'day' } },
        promql('ingest-samples', 'stat', 'Samples ingested / s', at(0, 8, 4, 4), 'sum(rate(allseer_ingested_samples_total[5m]))'),
        promql('ingest-events', 'timeseries', 'Log lines and spans / s', at(4, 8, 8, 8), 'sum by (signal) (rate(allseer_ingested_events_total[5m]))'),
        { id: 'signup-funnel', type: 'funnel', title: 'Visit → sign-up → purchase', layout: at(0, 12, 4, 8), query: { kind: 'funnel', steps: ['$pageview', 'signup', 'purchase'], window: '1d' } },
      ],
    },
  },
  {
    id: 'error-tracking',
    spec: {
      title: 'Error Tracking', tags: ['allseer'], time: { from: 'now-24h', to: 'now' }, refresh: '30s',
      widgets: [
        promql('errors-hour', 'stat', 'Error events (last hour)', at(0, 0, 3, 4), 'sum(increase(errors_total[1h])) or vector(0)',
          { thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'yellow' }, { value: 100, color: 'red' }] }),
        promql('regressions', 'stat', 'Regressions (24 h)', at(3, 0, 3, 4), 'sum(increase(errors_regressions_total[24h])) or vector(0)',
          { thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }] }),
        promql('http-5xx', 'stat', 'HTTP 5xx / s', at(6, 0, 3, 4), `sum(rate(${HTTP}_count{code=~"5.."}[5m])) or vector(0)`,
          { thresholds: [{ value: 0, color: 'green' }, { value: 0.01, color: 'red' }] }),
        promql('rejected', 'stat', 'Refused samples / s', at(9, 0, 3, 4), 'sum(rate(allseer_rejected_samples_total[5m])) or vector(0)'),
        promql('errors-by-level', 'timeseries', 'Error events / s by level', at(0, 4, 8, 8), 'sum by (level) (rate(errors_total[5m]))'),
        promql('top-issues', 'table', 'Top issues (last hour)', at(8, 4, 4, 8), 'topk(10, sum by (issue, project) (increase(errors_total[1h])))'),
        { id: 'error-logs', type: 'logs', title: 'Error log lines', layout: at(0, 12, 12, 8), query: { kind: 'logs', severity: 'ERROR,FATAL', limit: 50 } },
      ],
    },
  },
  {
    id: 'performance',
    spec: {
      title: 'Performance', tags: ['allseer'], time: { from: 'now-1h', to: 'now' }, refresh: '15s',
      widgets: [
        promql('cpu', 'gauge', 'CPU (cores)', at(0, 0, 3, 6), `rate(process_cpu_seconds_total${SELF}[1m])`, { min: 0, max: 2, thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'yellow' }, { value: 1.6, color: 'red' }] }),
        promql('memory', 'stat', 'Resident memory', at(3, 0, 3, 6), `process_resident_memory_bytes${SELF}`, { unit: 'bytes' }),
        promql('query-p95', 'stat', 'Query p95', at(6, 0, 3, 6), `histogram_quantile(0.95, sum by (le) (rate(${HTTP}_bucket{route=~"/api/v1/query.*"}[5m])))`, { unit: 's' }),
        promql('loop-lag', 'stat', 'Event-loop lag', at(9, 0, 3, 6), `nodejs_eventloop_lag_seconds${SELF}`, { unit: 's', thresholds: [{ value: 0, color: 'green' }, { value: 0.1, color: 'yellow' }, { value: 0.5, color: 'red' }] }),
        promql('cpu-time', 'timeseries', 'CPU (cores)', at(0, 6, 6, 8), `rate(process_cpu_seconds_total${SELF}[1m])`),
        promql('memory-time', 'timeseries', 'Memory (bytes)', at(6, 6, 6, 8), `process_resident_memory_bytes${SELF}`),
        promql('insert-p95', 'timeseries', 'ClickHouse insert p95 (s)', at(0, 14, 6, 8), 'histogram_quantile(0.95, sum by (le) (rate(allseer_batch_insert_duration_seconds_bucket[5m])))'),
        promql('wal-pending', 'timeseries', 'WAL bytes not yet stored', at(6, 14, 6, 8), 'allseer_wal_pending_bytes'),
      ],
    },
  },
];
