import { describe, expect, it } from 'vitest';
import { fromGrafana } from './grafana.js';
import { dashboardProblems } from './spec.js';

// The shape Grafana 10/11 exports (Share → Export → JSON), trimmed to what matters.
const EXPORTED = {
  dashboard: {
    title: 'Node', tags: ['linux'], time: { from: 'now-3h', to: 'now' }, refresh: '30s',
    templating: { list: [
      { name: 'DS', type: 'datasource', query: 'prometheus' },
      { name: 'instance', type: 'query', query: { query: 'label_values(node_uname_info{job="node"}, instance)' }, current: { value: 'db-1:9100' } },
      { name: 'job', type: 'query', query: 'label_values(job)', current: { value: '$__all' } },
      { name: 'custom', type: 'custom', query: 'a,b' },
    ] },
    panels: [
      { type: 'row', title: 'CPU', panels: [
        { type: 'timeseries', title: 'CPU busy', gridPos: { x: 0, y: 1, w: 12, h: 8 }, datasource: { type: 'prometheus', uid: 'x' },
          targets: [{ expr: 'sum by (mode) (rate(node_cpu_seconds_total{instance="$instance"}[$__rate_interval]))', legendFormat: '{{mode}}' }, { expr: 'up', hide: true }] },
      ] },
      { type: 'stat', title: 'Memory', gridPos: { x: 12, y: 1, w: 6, h: 4 }, targets: [{ expr: 'node_memory_MemAvailable_bytes' }, { expr: 'node_memory_MemTotal_bytes' }],
        fieldConfig: { defaults: { unit: 'bytes', min: 0, thresholds: { steps: [{ color: 'green', value: null }, { color: 'dark-red', value: 80 }, { color: '#EAB839', value: 60 }] } } } },
      { type: 'text', title: 'Notes', gridPos: { x: 18, y: 1, w: 6, h: 4 }, options: { content: '# Runbook' } },
      { type: 'logs', title: 'Syslog', datasource: { type: 'loki' }, targets: [{ expr: '{job="syslog"}' }] },
      { type: 'piechart', title: 'Pie', targets: [{ expr: 'up' }] },
    ],
  },
};

describe('Grafana import', () => {
  it('turns Prometheus panels, text and label_values variables into a valid dashboard and lists what it left out', () => {
    const { spec, skipped } = fromGrafana(EXPORTED);
    expect(dashboardProblems(spec)).toEqual([]);
    expect(spec).toMatchObject({ title: 'Node', tags: ['linux', 'grafana'], time: { from: 'now-3h', to: 'now' }, refresh: '30s' });
    expect(spec.variables).toEqual([
      { name: 'instance', label: 'instance', match: 'node_uname_info{job="node"}', default: 'db-1:9100' },
      { name: 'job', label: 'job' },
    ]);
    expect(spec.widgets).toEqual([
      { id: 'p1', type: 'timeseries', title: 'CPU busy', layout: { x: 0, y: 1, w: 6, h: 8 }, query: { kind: 'promql', expr: 'sum by (mode) (rate(node_cpu_seconds_total{instance="$instance"}[$__rate_interval]))', legend: '{{mode}}' } },
      { id: 'p2', type: 'stat', title: 'Memory', layout: { x: 6, y: 1, w: 3, h: 4 }, query: { kind: 'promql', expr: 'node_memory_MemAvailable_bytes' }, unit: 'bytes', min: 0,
        thresholds: [{ value: -1e300, color: 'green' }, { value: 80, color: 'red' }, { value: 60, color: '#eab839' }] },
      { id: 'p3', type: 'text', title: 'Notes', layout: { x: 9, y: 1, w: 3, h: 4 }, text: '# Runbook' },
    ]);
    expect(skipped).toEqual([
      'Memory: 1 more queries left out (a widget has one)',
      'Syslog: only Prometheus queries are imported',
      'Pie: panel type "piechart" is not supported',
      'variable custom: only label_values(…) queries are imported',
    ]);
  });

  it('refuses what is not a dashboard', () => {
    expect(() => fromGrafana({ title: 'x' })).toThrow('not a Grafana dashboard');
    expect(() => fromGrafana(null)).toThrow('not a Grafana dashboard');
  });
});
