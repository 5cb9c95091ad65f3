import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeResponse, encodeLogs } from '../../test/otlp-proto.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// OTLP/HTTP edge cases against the running server: bad bodies are refused whole with a JSON
// error that names the problem, bad records one by one (partial success in the request's own
// encoding), over-long values are cut and flagged, and nothing else is lost.
let server: TestServer;
beforeAll(async () => { server = await startTestServer('batcher:\n  flush_interval: 50ms\nserver:\n  body_limit: 1MiB\nevents:\n  max_body_size: 64\n  max_attribute_size: 16\n'); });
afterAll(async () => { await server.cleanup(); });

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const post = (path: string, body: Buffer | string, type: string, extra: Record<string, string> = {}) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': type, ...extra }, body });
const logsOf = async (service: string) => {
  const res = await fetch(`${server.url}/api/v1/logs?service=${service}&start=${Math.floor(Date.now() / 1000) - 30 * 86_400}`);
  return ((await res.json()) as { data: { records: { body: string; truncated: boolean; logAttributes: Record<string, string>; timeUnixNano: string }[] } }).data.records;
};

describe('OTLP/HTTP bad input', () => {
  it('refuses a body that is not protobuf or not JSON, naming the problem', async () => {
    const garbage = await post('/v1/logs', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'application/x-protobuf');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ status: 'error', code: 'BAD_PROTOBUF', error: expect.stringContaining('OTLP logs request is not valid protobuf') as unknown });
    const json = await post('/v1/traces', '{"resourceSpans": [{"scopeSpans": 7}]}', 'application/json');
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ code: 'BAD_JSON', error: 'OTLP/JSON traces request: resourceSpans[0].scopeSpans: expected an array' });
    const syntax = await post('/v1/logs', '{"resourceLogs": [', 'application/json');
    expect(syntax.status).toBe(400);
    const type = await post('/v1/logs', 'x', 'text/plain');
    expect(type.status).toBe(415);
    const big = await post('/v1/logs', gzipSync(Buffer.alloc(2 << 20)), 'application/x-protobuf', { 'Content-Encoding': 'gzip' });
    expect(big.status).toBe(413);
    const empty = await post('/v1/logs', Buffer.alloc(0), 'application/x-protobuf');
    expect(empty.status).toBe(200);
  });

  it('refuses bad records one by one and answers partial success in protobuf', async () => {
    const t = nowNs();
    const body = encodeLogs('partial-proto', [
      { timeNs: t, body: 'kept' },
      { timeNs: t, body: 'short trace id', traceId: Buffer.alloc(5, 1) },
      { timeNs: t - 30n * 86_400_000_000_000n, body: 'too old' },
      { timeNs: t + 2n * 3_600_000_000_000n, body: 'from the future' },
      { timeNs: t, body: 'x'.repeat(100) + 'é', attributes: { long: 'y'.repeat(40), n: 7n, nested: { a: [1, true] } } },
    ]);
    const res = await post('/v1/logs', body, 'application/x-protobuf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const answer = decodeResponse(Buffer.from(await res.arrayBuffer()));
    expect(answer.rejected).toBe(3);
    expect(answer.errorMessage).toMatch(/log record 1: trace id "0101010101" is not 16 bytes of hex; log record 2: timestamp .* is older than the accepted 604800 s; log record 3: timestamp .* is more than 3600 s in the future/);
    const stored = await eventually(() => logsOf('partial-proto'), (r) => r.length === 2, 'the two kept records');
    const cut = stored.find((r) => r.body.startsWith('x'))!;
    expect(cut).toMatchObject({ body: 'x'.repeat(64), truncated: true, logAttributes: { long: 'y'.repeat(16), n: '7', nested: '{"a":[1,true]}' } });
    expect(stored.find((r) => r.body === 'kept')!.truncated).toBe(false);
  });

  it('answers partial success in JSON for JSON requests, and takes ids, times and ints in every OTLP/JSON form', async () => {
    const t = String(nowNs());
    const res = await post('/v1/logs', JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'partial-json' } }] }, scopeLogs: [{ logRecords: [
      { timeUnixNano: t, body: { stringValue: 'ok' }, traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EEE19B7EC3C1B174', attributes: [{ key: 'n', value: { intValue: '12' } }, { key: 'd', value: { doubleValue: 1.5 } }], unknownField: 1 },
      { timeUnixNano: Number(t.slice(0, -6)) * 1e6, body: { intValue: 5 }, severityNumber: 13 },
      { timeUnixNano: t, body: { stringValue: 'bad span id' }, spanId: 'zz' },
    ] }] }] }), 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedLogRecords: '1', errorMessage: 'log record 2: span id "zz" is not 8 bytes of hex' } });
    const stored = await eventually(() => logsOf('partial-json'), (r) => r.length === 2, 'the two kept records');
    expect(stored.map((r) => r.body).sort()).toEqual(['5', 'ok']);
    const ok = stored.find((r) => r.body === 'ok')!;
    expect(ok).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', logAttributes: { n: '12', d: '1.5' } });
    expect(stored.find((r) => r.body === '5')).toMatchObject({ severityText: 'WARN' });
  });

  it('refuses delta and exponential-histogram metric points with partial success, and stores the rest', async () => {
    const t = String(nowNs());
    const point = (v: number) => ({ timeUnixNano: t, asDouble: v, attributes: [] });
    const res = await post('/v1/metrics', JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'metrics-edge' } }] }, scopeMetrics: [{ metrics: [
      { name: 'kept.gauge', gauge: { dataPoints: [point(4)] } },
      { name: 'delta.sum', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point(1), point(2)] } },
      { name: 'expo', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{}] } },
    ] }] }] }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedDataPoints: '3', errorMessage: 'metric "delta.sum": delta temporality is not supported (send cumulative); metric "expo": exponential histograms are not supported' } });
    const query = async () => ((await (await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent('kept_gauge{job="metrics-edge"}')}`)).json()) as { data: { result: { value: [number, string] }[] } }).data.result;
    const result = await eventually(query, (r) => r.length > 0, 'the gauge');
    expect(result[0]!.value[1]).toBe('4');
  });

  it('tails matching log records live over Server-Sent Events', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/v1/logs/tail?service=tailed&q=hello`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const record = (body: string) => ({ timeUnixNano: String(nowNs()), body: { stringValue: body } });
    const push = () => post('/v1/logs', JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tailed' } }] }, scopeLogs: [{ logRecords: [record('hello world'), record('goodbye')] }] }] }), 'application/json');
    expect((await push()).status).toBe(200);
    let text = '';
    const deadline = Date.now() + 15_000;
    while (!text.includes('event: logs') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    abort.abort();
    const data = /event: logs\ndata: (.*)\n/.exec(text)?.[1];
    expect(JSON.parse(data ?? '[]')).toEqual([expect.objectContaining({ body: 'hello world', serviceName: 'tailed' })]);
  });
});
