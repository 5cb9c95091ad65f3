import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// A three-service trace sent over OTLP/JSON, then the requests Grafana's Jaeger data source
// makes (services, operations, search, trace by id, dependencies) and our own dependency graph.
let server: TestServer;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const t0 = BigInt(Date.now() - 60_000) * 1_000_000n;
const ms = (n: number) => String(t0 + BigInt(n) * 1_000_000n);

function resource(service: string, spans: unknown[]) {
  return { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'host.name', value: { stringValue: `${service}-host` } }] }, scopeSpans: [{ scope: { name: 'manual' }, spans }] };
}

beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\ntraces:\n  span_metrics_interval: 500ms\n');
  const body = { resourceSpans: [
    resource('frontend', [{ traceId: TRACE, spanId: 'a000000000000001', name: 'GET /', kind: 2, startTimeUnixNano: ms(0), endTimeUnixNano: ms(120), attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }, { key: 'http.status_code', value: { intValue: 200 } }] }]),
    resource('checkout', [
      { traceId: TRACE, spanId: 'b000000000000002', parentSpanId: 'a000000000000001', name: 'charge', kind: 2, startTimeUnixNano: ms(10), endTimeUnixNano: ms(100), status: { code: 2, message: 'card declined' },
        events: [{ timeUnixNano: ms(50), name: 'retry', attributes: [{ key: 'attempt', value: { intValue: 2 } }] }] },
    ]),
    resource('db', [{ traceId: TRACE, spanId: 'c000000000000003', parentSpanId: 'b000000000000002', name: 'SELECT', kind: 3, startTimeUnixNano: ms(20), endTimeUnixNano: ms(60), attributes: [{ key: 'db.statement', value: { stringValue: 'SELECT 1' } }] }]),
  ] };
  const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
});
afterAll(async () => { await server.cleanup(); });

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as { data: unknown; errors: unknown } };
};
type JaegerTrace = { traceID: string; spans: { spanID: string; operationName: string; references: { refType: string; spanID: string }[]; startTime: number; duration: number; tags: { key: string; type: string; value: unknown }[]; logs: { fields: { key: string; value: unknown }[] }[]; processID: string }[]; processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }> };

describe('Jaeger query API', () => {
  it('lists services and operations', async () => {
    const services = await eventually(() => get('/api/services'), (r) => (r.body.data as string[]).length === 3, 'the services');
    expect(services.body).toMatchObject({ data: ['checkout', 'db', 'frontend'], total: 3, errors: null });
    expect((await get('/api/services/frontend/operations')).body.data).toEqual(['GET /']);
    expect((await get('/api/operations?service=db&spanKind=client')).body.data).toEqual([{ name: 'SELECT', spanKind: 'client' }]);
  });

  it('gives a trace in Jaeger JSON, by id and by search', async () => {
    const one = await eventually(() => get(`/api/traces/${TRACE}`), (r) => r.status === 200 && (r.body.data as JaegerTrace[])[0]!.spans.length === 3, 'the trace');
    const [trace] = one.body.data as JaegerTrace[];
    const charge = trace!.spans.find((s) => s.operationName === 'charge')!;
    expect(charge).toMatchObject({ spanID: 'b000000000000002', references: [{ refType: 'CHILD_OF', spanID: 'a000000000000001' }], duration: 90_000 });
    expect(charge.startTime).toBe(Number((t0 + 10_000_000n) / 1000n));
    expect(charge.tags).toEqual(expect.arrayContaining([{ key: 'error', type: 'bool', value: true }, { key: 'span.kind', type: 'string', value: 'server' }, { key: 'otel.status_description', type: 'string', value: 'card declined' }]));
    expect(charge.logs[0]!.fields).toEqual([{ key: 'event', type: 'string', value: 'retry' }, { key: 'attempt', type: 'int64', value: 2 }]);
    expect(trace!.processes[charge.processID]).toEqual({ serviceName: 'checkout', tags: [{ key: 'host.name', type: 'string', value: 'checkout-host' }] });
    const start = (t0 / 1000n - 1_000_000n).toString();
    const end = (BigInt(Date.now()) * 1000n).toString();
    const search = await get(`/api/traces?service=frontend&operation=GET%20%2F&tags=${encodeURIComponent('{"http.method":"GET"}')}&minDuration=100ms&limit=20&start=${start}&end=${end}`);
    expect((search.body.data as JaegerTrace[]).map((t) => t.traceID)).toEqual([TRACE]);
    expect((await get(`/api/traces?service=frontend&minDuration=1s&start=${start}&end=${end}`)).body.data).toEqual([]);
    expect((await get(`/api/traces?service=frontend&tags=${encodeURIComponent('http.status_code=200')}&start=${start}&end=${end}`)).body.data).toHaveLength(1);
    expect((await get('/api/traces/00000000000000000000000000000001')).status).toBe(404);
  });

  it('draws the service dependency graph', async () => {
    const deps = await get(`/api/dependencies?endTs=${Date.now()}&lookback=3600000`);
    expect(deps.body.data).toEqual([{ parent: 'checkout', child: 'db', callCount: 1 }, { parent: 'frontend', child: 'checkout', callCount: 1 }]);
    expect((await get('/api/v1/traces/dependencies')).body.data).toEqual(deps.body.data);
  });

  it('derives RED metrics from spans, queryable through PromQL', async () => {
    type Result = { metric: Record<string, string>; value: [number, string] }[];
    const query = async (q: string) => ((await get(`/api/v1/query?query=${encodeURIComponent(q)}`)).body.data as { result: Result }).result;
    const calls = await eventually(() => query('sum by (service_name) (traces_span_metrics_calls_total)'), (r) => r.length === 3, 'span metrics');
    expect(Object.fromEntries(calls.map((r) => [r.metric.service_name, r.value[1]]))).toEqual({ checkout: '1', db: '1', frontend: '1' });
    const errors = await query('traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR"}');
    expect(errors.map((r) => [r.metric.service_name, r.metric.span_name, r.metric.span_kind])).toEqual([['checkout', 'charge', 'SPAN_KIND_SERVER']]);
    const p99 = await query('histogram_quantile(0.99, sum by (le) (traces_span_metrics_duration_seconds_bucket{service_name="db"}))');
    expect(Number(p99[0]!.value[1])).toBeGreaterThan(0.01);
    expect(Number(p99[0]!.value[1])).toBeLessThanOrEqual(0.05);
  });
});
