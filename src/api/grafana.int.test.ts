import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeV1, snappy } from '../../test/remote-write-proto.js';
import { startTestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

/**
 * The requests Grafana's Prometheus data source sends, in their shapes: health check `1+1`,
 * buildinfo, the metric browser (labels, label values, series with match[]), metadata, panel
 * queries as POST form bodies, and exemplars.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
const NOW = Math.floor(Date.now() / 1000);
const START = NOW - 3600;

beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\n');
  const samples = Array.from({ length: 60 }, (_, i) => ({ value: i * 10, timestamp: (START + i * 60) * 1000 }));
  const res = await fetch(`${server.url}/api/v1/write`, {
    method: 'POST',
    body: snappy(encodeV1([
      { labels: { __name__: 'node_cpu_seconds_total', instance: 'host:9100', mode: 'idle' }, samples },
      { labels: { __name__: 'node_cpu_seconds_total', instance: 'host:9100', mode: 'user' }, samples },
    ], [{ type: 1, metricFamilyName: 'node_cpu_seconds_total', help: 'Seconds the CPUs spent in each mode.', unit: '' }])),
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
  });
  expect(res.status).toBe(204);
  await eventually(() => json('GET', `/api/v1/series?match[]=node_cpu_seconds_total&start=${START}&end=${NOW}`), (b) => (b.data as unknown[]).length === 2, 'the written data');
});
afterAll(async () => {
  await server.cleanup();
});

async function json(method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>): Promise<{ status: string; data: unknown }> {
  const pairs: [string, string][] = Object.entries(form ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]));
  const body = form ? new URLSearchParams(pairs) : undefined;
  const res = await fetch(`${server.url}${path}`, { method, body, headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {} });
  expect(res.headers.get('content-type')).toContain('application/json');
  return (await res.json()) as { status: string; data: unknown };
}

describe('Grafana Prometheus data source requests', () => {
  it('passes the health check and reads buildinfo', async () => {
    expect(await json('POST', '/api/v1/query', { query: '1+1', time: String(NOW) })).toEqual({ status: 'success', data: { resultType: 'scalar', result: [NOW, '2'] } });
    expect(await json('GET', `/api/v1/query?query=1%2B1&time=${NOW}`)).toEqual({ status: 'success', data: { resultType: 'scalar', result: [NOW, '2'] } });
    const build = await json('GET', '/api/v1/status/buildinfo');
    expect(build.data).toMatchObject({ version: expect.any(String) as unknown });
  });

  it('serves the metric browser: label names, metric names, label values and series', async () => {
    expect((await json('GET', `/api/v1/labels?start=${START}&end=${NOW}`)).data).toEqual(['__name__', 'instance', 'mode']);
    expect((await json('POST', '/api/v1/labels', { 'match[]': 'node_cpu_seconds_total', start: String(START), end: String(NOW) })).data).toEqual(['__name__', 'instance', 'mode']);
    expect((await json('GET', `/api/v1/label/__name__/values?start=${START}&end=${NOW}`)).data).toEqual(['node_cpu_seconds_total']);
    expect((await json('GET', `/api/v1/label/mode/values?match[]=${encodeURIComponent('{__name__="node_cpu_seconds_total"}')}&start=${START}&end=${NOW}`)).data).toEqual(['idle', 'user']);
    const series = await json('POST', '/api/v1/series', { 'match[]': ['node_cpu_seconds_total{mode="idle"}'], start: String(START), end: String(NOW) });
    expect(series.data).toEqual([{ __name__: 'node_cpu_seconds_total', instance: 'host:9100', mode: 'idle' }]);
    expect((await json('GET', '/api/v1/metadata')).data).toEqual({ node_cpu_seconds_total: [{ type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }] });
  });

  it('answers panel queries sent as form bodies', async () => {
    const range = await json('POST', '/api/v1/query_range', { query: 'sum by (mode) (rate(node_cpu_seconds_total[5m]))', start: String(START + 600), end: String(START + 1200), step: '300' });
    const data = range.data as { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
    expect(data.resultType).toBe('matrix');
    expect(data.result.map((s) => s.metric)).toEqual([{ mode: 'idle' }, { mode: 'user' }]);
    for (const s of data.result) {
      expect(s.values.map(([t]) => t)).toEqual([0, 1, 2].map((i) => START + 600 + i * 300));
      for (const [, v] of s.values) expect(Number(v)).toBeCloseTo(10 / 60, 12);
    }
    const instant = await json('POST', '/api/v1/query', { query: 'count(node_cpu_seconds_total)', time: String(START + 1800) });
    expect(instant.data).toEqual({ resultType: 'vector', result: [{ metric: {}, value: [START + 1800, '2'] }] });
    expect(await json('POST', '/api/v1/query_exemplars', { query: 'node_cpu_seconds_total', start: String(START), end: String(NOW) })).toEqual({ status: 'success', data: [] });
  });
});
