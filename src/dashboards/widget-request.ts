import { parseDuration } from '../util/duration.js';
import type { Widget } from './spec.js';

/** An API call that answers a widget: the same endpoints the web app calls. Times in seconds. */
export interface WidgetRequest {
  method: 'GET' | 'POST';
  /** Path and query string. */
  url: string;
  body?: unknown;
}

export interface WidgetContext {
  /** Unix seconds. */
  start: number;
  end: number;
  /** Dashboard variables by name. */
  variables: Readonly<Record<string, string>>;
}

/** About 300 points per range, in whole seconds, at least 15 s (a typical scrape interval). */
export function rangeStep(rangeSeconds: number): number {
  return Math.max(15, Math.ceil(rangeSeconds / 300));
}

/**
 * A PromQL expression with dashboard variables filled in (`$name`, `${name}`, `[[name]]`) and
 * Grafana's built-ins: `$__interval` (the step), `$__rate_interval` (at least four scrapes,
 * 1m), `$__range` (the whole range). Unknown variables are left as written.
 */
export function substitute(expr: string, ctx: WidgetContext, step: number): string {
  const builtins: Record<string, string> = {
    __interval: `${step}s`,
    __rate_interval: `${Math.max(60, step + 15)}s`,
    __range: `${Math.max(1, Math.round(ctx.end - ctx.start))}s`,
  };
  const value = (name: string, whole: string) => builtins[name] ?? ctx.variables[name] ?? whole;
  return expr
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => value(name, whole))
    .replace(/\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]/g, (whole, name: string) => value(name, whole))
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => value(name, whole));
}

function url(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return `${path}?${q.toString()}`;
}

/**
 * The API request that gives a widget its data over `ctx`'s range: time series and bars over
 * the range (PromQL range queries, event trends), single values and tables at its end (PromQL
 * instant queries), log lines, funnels. Undefined for widgets without a query (text).
 */
export function widgetRequest(w: Widget, ctx: WidgetContext): WidgetRequest | undefined {
  const q = w.query;
  if (!q) return undefined;
  const span = { start: ctx.start, end: ctx.end };
  switch (q.kind) {
    case 'promql': {
      const step = rangeStep(ctx.end - ctx.start);
      const query = substitute(q.expr, ctx, step);
      // Range ends on a multiple of the step, so a refreshed range query only changes once a step has passed.
      const aligned = { start: Math.floor(ctx.start / step) * step, end: Math.floor(ctx.end / step) * step };
      return w.type === 'timeseries'
        ? { method: 'GET', url: url('/api/v1/query_range', { query, ...aligned, step }) }
        : { method: 'GET', url: url('/api/v1/query', { query, time: ctx.end }) };
    }
    case 'logs':
      return { method: 'GET', url: url('/api/v1/logs', { q: q.q, service: q.service, severity: q.severity, limit: q.limit ?? 100, ...span }) };
    case 'analytics':
      return q.measure === 'active'
        ? { method: 'GET', url: url('/api/v1/analytics/active-users', { interval: q.interval ?? 'day', ...span }) }
        : { method: 'GET', url: url('/api/v1/analytics/trend', { event: q.event, measure: q.measure ?? 'count', property: q.property, breakdown: q.breakdown, interval: q.interval ?? 'day', ...span }) };
    case 'funnel':
      return { method: 'POST', url: '/api/v1/analytics/funnel', body: { steps: q.steps.map((event) => ({ event })), window: q.window ?? '1d', ...span } };
  }
}

/** A widget's refresh period in ms: its own, else the dashboard's, else 30 s; at least 1 s. */
export function refreshMs(w: Widget, dashboardRefresh: string | undefined): number {
  const text = w.refresh ?? dashboardRefresh ?? '30s';
  try {
    return Math.max(1000, parseDuration(text));
  } catch {
    return 30_000;
  }
}
