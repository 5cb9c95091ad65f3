import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// Loki push from a real client (winston-loki: snappy protobuf by default, JSON with structured
// metadata), then the exact requests Grafana's Loki data source sends for browsing: labels,
// label values, series, log queries with line filters, parsers and label filters, and metric
// queries.
let server: TestServer;
beforeAll(async () => { server = await startTestServer('batcher:\n  flush_interval: 50ms\n'); });
afterAll(async () => { await server.cleanup(); });

type Streams = { resultType: string; result: { stream: Record<string, string>; values: [string, string][] }[] };
type Matrix = { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
async function get(path: string): Promise<{ status: number; body: { status: string; data: unknown } }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as { status: string; data: unknown } };
}
const streamsOf = (r: { body: { data: unknown } }) => r.body.data as Streams;
const matrixOf = (r: { body: { data: unknown } }) => r.body.data as Matrix;
const ns = (ms: number) => `${ms}000000`;

async function send(json: boolean): Promise<void> {
  const transport = new LokiTransport({ host: server.url, labels: { app: 'shop', mode: json ? 'json' : 'proto' }, json, batching: false, onConnectionError: (e) => { throw e as Error; } });
  const log = winston.createLogger({ transports: [transport] });
  log.info('user logged in', { userId: 'u-1' });
  log.error('payment failed: card declined', { orderId: 'o-7' });
  log.warn('level=warn msg="slow checkout" duration=1.5s status=502');
  await new Promise((r) => setTimeout(r, 200));
  await transport.flush();
  log.close();
}

describe('Loki push and query API', () => {
  it('stores what winston-loki pushes, as protobuf and as JSON with structured metadata', async () => {
    await send(false);
    await send(true);
    const q = (mode: string) => get(`/loki/api/v1/query_range?query=${encodeURIComponent(`{app="shop", mode="${mode}"}`)}&limit=10`);
    const proto = await eventually(() => q('proto'), (r) => streamsOf(r).result.reduce((n, s) => n + s.values.length, 0) === 3, 'the protobuf lines');
    expect(streamsOf(proto).resultType).toBe('streams');
    const streams = streamsOf(proto).result.map((s) => s.stream);
    expect(streams).toEqual(expect.arrayContaining([expect.objectContaining({ app: 'shop', level: 'error', mode: 'proto', service_name: 'shop' })]));
    const lines = streamsOf(proto).result.flatMap((s) => s.values.map((v) => v[1]));
    expect(lines.some((l) => l.startsWith('payment failed: card declined'))).toBe(true);
    const json = await eventually(() => q('json'), (r) => streamsOf(r).result.reduce((n, s) => n + s.values.length, 0) === 3, 'the JSON lines');
    const withMeta = streamsOf(json).result.find((s) => s.values.some((v) => v[1].startsWith('payment failed: card declined')));
    expect(withMeta?.stream).toMatchObject({ level: 'error', orderId: 'o-7' });
  });

  it('answers the label, value and series requests Grafana sends', async () => {
    const range = `start=${ns(Date.now() - 3_600_000)}&end=${ns(Date.now() + 60_000)}`;
    const labels = await get(`/loki/api/v1/labels?${range}`);
    expect(labels.body).toMatchObject({ status: 'success' });
    expect(labels.body.data).toEqual(expect.arrayContaining(['app', 'level', 'mode', 'service_name']));
    expect((await get(`/loki/api/v1/label/mode/values?${range}`)).body.data).toEqual(['json', 'proto']);
    const series = await get(`/loki/api/v1/series?match[]=${encodeURIComponent('{app="shop",level="error"}')}&${range}`);
    expect((series.body.data as Record<string, string>[]).map((s) => s.mode).sort()).toEqual(['json', 'proto']);
  });

  it('filters lines, parses logfmt and JSON, and filters on labels and numbers', async () => {
    const query = async (q: string) => streamsOf(await get(`/loki/api/v1/query_range?direction=backward&limit=1000&query=${encodeURIComponent(q)}&start=${ns(Date.now() - 3_600_000)}&end=${ns(Date.now() + 60_000)}&step=2000ms`)).result.flatMap((s) => s.values.map((v) => v[1]));
    expect(await query('{app="shop"} |= "payment" != "declined"')).toEqual([]);
    expect((await query('{app="shop"} |~ "card (declined|expired)"')).length).toBe(2);
    expect((await query('{mode="proto"} | logfmt | status >= 500 | duration > 1s')).length).toBe(1);
    expect((await query('{mode="proto"} | logfmt | status >= 503')).length).toBe(0);
    const bad = await get(`/loki/api/v1/query_range?query=${encodeURIComponent('{app="shop"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('answers metric queries as a matrix, and instant queries as a vector', async () => {
    const end = Date.now() + 60_000;
    const m = await get(`/loki/api/v1/query_range?query=${encodeURIComponent('sum by (level) (count_over_time({app="shop"}[1h]))')}&start=${Math.floor(end / 1000) - 60}&end=${Math.floor(end / 1000)}&step=60`);
    expect(matrixOf(m).resultType).toBe('matrix');
    const byLevel = Object.fromEntries(matrixOf(m).result.map((s) => [s.metric.level, s.values.at(-1)![1]]));
    expect(byLevel).toEqual({ error: '2', info: '2', warn: '2' });
    const parsed = await get(`/loki/api/v1/query_range?query=${encodeURIComponent('sum by (status) (count_over_time({mode="proto"} | logfmt | status != "" [1h]))')}&start=${Math.floor(end / 1000) - 60}&end=${Math.floor(end / 1000)}&step=60`);
    expect(matrixOf(parsed).result.map((s) => [s.metric, s.values.at(-1)![1]])).toEqual([[{ status: '502' }, '1']]);
    const v = await get(`/loki/api/v1/query?query=${encodeURIComponent('sum(rate({app="shop"} |= "payment" [1h]))')}&time=${ns(end)}`);
    const vector = v.body.data as { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    expect(vector.resultType).toBe('vector');
    expect(Number(vector.result[0]!.value[1])).toBeCloseTo(2 / 3600, 8);
  });

  it('takes gzip JSON pushes and refuses bad ones with a named error', async () => {
    const t = ns(Date.now());
    const body = gzipSync(JSON.stringify({ streams: [{ stream: { app: 'gz' }, values: [[t, 'compressed line', { trace_id: '5b8efff798038103d269b633813fc60c' }]] }] }));
    const ok = await fetch(`${server.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body });
    expect(ok.status).toBe(204);
    type Found = { records: { body: string; traceId: string }[] };
    const found = await eventually(() => get('/api/v1/logs?service=gz'), (r) => (r.body.data as Found).records.length === 1, 'the gzip line');
    expect((found.body.data as Found).records[0]).toMatchObject({ body: 'compressed line', traceId: '5b8efff798038103d269b633813fc60c' });
    const bad = await fetch(`${server.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ streams: [{ stream: { app: 'x' }, values: [[123, 'line']] }] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_JSON', error: 'Loki push: streams[0].values[0][0]: the timestamp must be a string of Unix nanoseconds' });
    const old = await fetch(`${server.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ streams: [{ stream: { app: 'x' }, values: [['1000000000000000000', 'ancient'], [t, 'fresh']] }] }) });
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ code: 'SAMPLES_REJECTED', accepted: 1, rejected: 1 });
  });
});
