import { describe, expect, it } from 'vitest';
import type { Widget } from './spec.js';
import { rangeStep, refreshMs, substitute, widgetRequest } from './widget-request.js';

const ctx = { start: 1000, end: 4600, variables: { instance: 'db-1', job: 'api' } };
const w = (type: Widget['type'], query: Widget['query']): Widget => ({ id: 'w', type, title: '', layout: { x: 0, y: 0, w: 1, h: 1 }, ...(query ? { query } : {}) });

describe('widget requests', () => {
  it('fills in variables and Grafana built-ins, leaving unknown ones', () => {
    expect(substitute('rate(x{instance="$instance",job="${job}",z="[[job]]",u="$nope"}[$__rate_interval]) / $__range', ctx, 15))
      .toBe('rate(x{instance="db-1",job="api",z="api",u="$nope"}[60s]) / 3600s');
    expect(substitute('avg_over_time(x[$__interval])', ctx, 120)).toBe('avg_over_time(x[120s])');
  });

  it('asks for a range query for time series and an instant query for single values and tables', () => {
    expect(rangeStep(3600)).toBe(15);
    expect(rangeStep(86_400)).toBe(288);
    expect(widgetRequest(w('timeseries', { kind: 'promql', expr: 'up{job="$job"}' }), ctx)).toEqual({ method: 'GET', url: '/api/v1/query_range?query=up%7Bjob%3D%22api%22%7D&start=990&end=4590&step=15' });
    expect(widgetRequest(w('stat', { kind: 'promql', expr: 'sum(up)' }), ctx)).toEqual({ method: 'GET', url: '/api/v1/query?query=sum%28up%29&time=4600' });
    expect(widgetRequest(w('text', undefined), ctx)).toBeUndefined();
  });

  it('maps logs, event trends, active people and funnels to their APIs', () => {
    expect(widgetRequest(w('logs', { kind: 'logs', severity: 'ERROR' }), ctx)?.url).toBe('/api/v1/logs?severity=ERROR&limit=100&start=1000&end=4600');
    expect(widgetRequest(w('timeseries', { kind: 'analytics', measure: 'active', interval: 'day' }), ctx)?.url).toBe('/api/v1/analytics/active-users?interval=day&start=1000&end=4600');
    expect(widgetRequest(w('bar', { kind: 'analytics', event: 'signup', breakdown: 'plan' }), ctx)?.url).toBe('/api/v1/analytics/trend?event=signup&measure=count&breakdown=plan&interval=day&start=1000&end=4600');
    expect(widgetRequest(w('funnel', { kind: 'funnel', steps: ['a', 'b'] }), ctx)).toEqual({ method: 'POST', url: '/api/v1/analytics/funnel', body: { steps: [{ event: 'a' }, { event: 'b' }], window: '1d', start: 1000, end: 4600 } });
  });

  it('refreshes at the widget\'s period, else the dashboard\'s, at least every second', () => {
    expect(refreshMs({ ...w('stat', undefined), refresh: '5s' }, '1m')).toBe(5000);
    expect(refreshMs(w('stat', undefined), '1m')).toBe(60_000);
    expect(refreshMs(w('stat', undefined), undefined)).toBe(30_000);
    expect(refreshMs({ ...w('stat', undefined), refresh: '10ms' }, undefined)).toBe(1000);
  });
});
