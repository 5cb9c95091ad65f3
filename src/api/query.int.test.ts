import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeV1, snappy } from '../../test/remote-write-proto.js';
import { startTestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
// Aligned to the minute so step timestamps fall on samples.
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
const sec = (ms: number) => ms / 1000;

interface Body {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] } | string | unknown[];
  errorType?: string;
  error?: string;
  code?: string;
}

beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\nquery:\n  max_samples: 50\n');
  const series = [];
  for (const code of ['200', '500']) {
    const samples = Array.from({ length: 31 }, (_, i) => ({ value: i * 60 * (code === '200' ? 2 : 1), timestamp: T0 + i * 60_000 }));
    series.push({ labels: { __name__: 'http_requests_total', job: 'api', code }, samples });
  }
  series.push({ labels: { __name__: 'temperature', room: 'a' }, samples: [{ value: 21.5, timestamp: T0 }, { value: 22.5, timestamp: T0 + 60_000 }] });
  const res = await fetch(`${server.url}/api/v1/write`, {
    method: 'POST',
    body: snappy(encodeV1(series)),
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
  });
  expect(res.status).toBe(204);
  await eventually(() => get(`/api/v1/query?query=count(http_requests_total)&time=${sec(T0 + 60_000)}`), (r) => JSON.stringify(r.body).includes('"2"'), 'the written data');
});
afterAll(async () => {
  await server.cleanup();
});

async function get(path: string): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Body };
}

/** A POST with a form body, the way Grafana's Prometheus data source sends queries. */
async function postForm(path: string, form: Record<string, string>): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, body: (await res.json()) as Body };
}

describe('Prometheus query API', () => {
  it('answers an instant query with a vector', async () => {
    const r = await get(`/api/v1/query?query=${encodeURIComponent('sum by (code) (rate(http_requests_total[5m]))')}&time=${sec(T0 + 10 * 60_000)}`);
    expect(r.status).toBe(200);
    const data = r.body.data as { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    expect(data.resultType).toBe('vector');
    const byCode = Object.fromEntries(data.result.map((s) => [s.metric.code, s.value]));
    expect(byCode).toEqual({ '200': [sec(T0 + 10 * 60_000), '2'], '500': [sec(T0 + 10 * 60_000), '1'] });
  });

  it('answers a range query from a form body (Grafana) with a sorted matrix', async () => {
    const r = await postForm('/api/v1/query_range', { query: 'http_requests_total{code="500"} / 60', start: String(sec(T0)), end: String(sec(T0 + 4 * 60_000)), step: '60' });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({
      resultType: 'matrix',
      result: [{ metric: { code: '500', job: 'api' }, values: [0, 1, 2, 3, 4].map((i) => [sec(T0 + i * 60_000), String(i)]) }],
    });
  });

  it('takes RFC 3339 times and duration steps, and returns scalars and strings', async () => {
    const r = await get(`/api/v1/query_range?query=time()&start=${new Date(T0).toISOString()}&end=${new Date(T0 + 120_000).toISOString()}&step=1m`);
    expect(r.body.data).toEqual({ resultType: 'matrix', result: [{ metric: {}, values: [0, 1, 2].map((i) => [sec(T0 + i * 60_000), String(sec(T0 + i * 60_000))]) }] });
    const s = await get(`/api/v1/query?query=${encodeURIComponent('"hello"')}&time=100`);
    expect(s.body.data).toEqual({ resultType: 'string', result: [100, 'hello'] });
    const n = await get(`/api/v1/query?query=${encodeURIComponent('1 / 0')}&time=100`);
    expect(n.body.data).toEqual({ resultType: 'scalar', result: [100, '+Inf'] });
  });

  it('returns a range vector for an instant query of a matrix selector', async () => {
    const r = await get(`/api/v1/query?query=${encodeURIComponent('temperature[5m]')}&time=${sec(T0 + 120_000)}`);
    expect(r.body.data).toEqual({ resultType: 'matrix', result: [{ metric: { __name__: 'temperature', room: 'a' }, values: [[sec(T0), '21.5'], [sec(T0 + 60_000), '22.5']] }] });
  });

  it('refuses bad queries and parameters with Prometheus error types', async () => {
    const syntax = await get(`/api/v1/query?query=${encodeURIComponent('sum(rate(x[5m])')}`);
    expect(syntax.status).toBe(400);
    expect(syntax.body).toMatchObject({ status: 'error', errorType: 'bad_data', code: 'BAD_QUERY' });
    expect(syntax.body.error).toMatch(/parse error/);
    const types = await get(`/api/v1/query?query=${encodeURIComponent('rate(x)')}`);
    expect(types.body).toMatchObject({ errorType: 'bad_data', code: 'BAD_QUERY' });
    const rangeOfMatrix = await get(`/api/v1/query_range?query=${encodeURIComponent('x[5m]')}&start=0&end=100&step=10`);
    expect(rangeOfMatrix.body.error).toContain('invalid expression type "range vector" for range query');
    const tooMany = await get(`/api/v1/query_range?query=x&start=0&end=200000&step=1`);
    expect(tooMany.body.error).toContain('exceeded maximum resolution of 11,000 points per timeseries');
    const noStep = await get('/api/v1/query_range?query=x&start=0&end=100');
    expect(noStep.body).toMatchObject({ code: 'BAD_PARAMETER' });
    const execution = await get(`/api/v1/query?query=${encodeURIComponent('http_requests_total + on(job) http_requests_total')}&time=${sec(T0 + 60_000)}`);
    expect(execution.status).toBe(422);
    expect(execution.body).toMatchObject({ errorType: 'execution', code: 'QUERY_EXECUTION' });
  });

  it('stops a query that would load more samples than query.max_samples', async () => {
    const big = await get(`/api/v1/query?query=${encodeURIComponent('count_over_time({__name__=~".+"}[1d])')}&time=${sec(T0 + 30 * 60_000)}`);
    expect(big.status).toBe(422);
    expect(big.body).toMatchObject({ errorType: 'execution', code: 'QUERY_LIMIT' });
    expect(big.body.error).toContain('too many samples');
    // A subquery's intermediate results count too: 1 series × 86,400 one-second steps.
    const sub = await get(`/api/v1/query?query=${encodeURIComponent('max_over_time(temperature[1d:1s])')}&time=${sec(T0 + 120_000)}`);
    expect(sub.status).toBe(422);
    expect(sub.body).toMatchObject({ code: 'QUERY_LIMIT' });
  });

  it('keeps at most `limit` series and warns about the rest', async () => {
    const r = await get(`/api/v1/query_range?query=http_requests_total&start=${sec(T0)}&end=${sec(T0 + 60_000)}&step=60&limit=1`);
    const body = r.body as unknown as { data: { result: { metric: Record<string, string> }[] }; warnings: string[] };
    expect(body.data.result.map((s) => s.metric.code)).toEqual(['200']);
    expect(body.warnings).toEqual(['results truncated due to limit']);
    const all = await get(`/api/v1/query?query=http_requests_total&time=${sec(T0 + 60_000)}&limit=5`);
    expect((all.body as unknown as { warnings?: string[] }).warnings).toBeUndefined();
  });

  it('stops a query at its timeout with a timeout error', async () => {
    const r = await get(`/api/v1/query?query=${encodeURIComponent('sum(http_requests_total)')}&time=${sec(T0 + 60_000)}&timeout=0s`);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ errorType: 'timeout', code: 'QUERY_TIMEOUT' });
  });

  it('formats queries and answers the exemplar endpoint Grafana calls', async () => {
    const f = await postForm('/api/v1/format_query', { query: 'sum(rate(foo{a="b"}[5m]))by(job)' });
    expect(f.body.data).toBe('sum by (job) (rate(foo{a="b"}[5m]))');
    const ex = await postForm('/api/v1/query_exemplars', { query: 'foo', start: '0', end: '100' });
    expect(ex.body).toEqual({ status: 'success', data: [] });
  });

  it('carries Prometheus 3 infos and warnings beside the result', async () => {
    const r = await get(`/api/v1/query?query=${encodeURIComponent('rate(temperature[5m]) or quantile(2, http_requests_total)')}&time=${sec(T0 + 60_000)}`);
    expect(r.body).toMatchObject({
      status: 'success',
      infos: ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature"'],
      warnings: ['PromQL warning: quantile value should be between 0 and 1, got 2'],
    });
    const clean = await get(`/api/v1/query?query=${encodeURIComponent('rate(http_requests_total[5m])')}&time=${sec(T0 + 60_000)}`);
    expect(clean.body).not.toHaveProperty('infos');
    expect(clean.body).not.toHaveProperty('warnings');
  });

  it('answers parse_query with the syntax tree, and bad_data for a syntax error', async () => {
    const p = await get(`/api/v1/parse_query?query=${encodeURIComponent('sum by (job) (rate(foo[5m]))')}`);
    expect(p.body).toMatchObject({ status: 'success', data: { type: 'aggregation', op: 'sum', grouping: ['job'], without: false, param: null } });
    const bad = await postForm('/api/v1/parse_query', { query: 'sum(' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });
});
