import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeV1, encodeV2, snappy } from '../../test/remote-write-proto.js';
import { startTestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const T = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\nserver:\n  body_limit: 1MiB\n');
});
afterAll(async () => {
  await server.cleanup();
});

const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', body, headers });
const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as { status: string; data: unknown; error?: string; code?: string } };
};
const rw1 = { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' };
const rw2 = { ...rw1, 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'X-Prometheus-Remote-Write-Version': '2.0.0' };

describe('metrics ingest and read API', () => {
  it('accepts remote_write 1.0 and serves the series back', async () => {
    const res = await post('/api/v1/write', snappy(encodeV1([
      { labels: { __name__: 'rw_requests_total', job: 'api', code: '200' }, samples: [{ value: 1, timestamp: T }, { value: 2, timestamp: T + 15_000 }] },
    ], [{ type: 1, metricFamilyName: 'rw_requests_total', help: 'Requests.', unit: '' }])), rw1);
    expect(res.status).toBe(204);
    const series = await eventually(() => get('/api/v1/series?match[]=rw_requests_total'), (r) => (r.body.data as unknown[]).length > 0, 'the written data');
    expect(series.body).toEqual({ status: 'success', data: [{ __name__: 'rw_requests_total', code: '200', job: 'api' }] });
    const meta = await eventually(() => get('/api/v1/metadata?metric=rw_requests_total'), (r) => Object.keys(r.body.data as object).length > 0, 'the written data');
    expect(meta.body.data).toEqual({ rw_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }] });
    const exported = await (await fetch(`${server.url}/api/v1/export?match[]=rw_requests_total`)).text();
    expect(JSON.parse(exported)).toEqual({ metric: { __name__: 'rw_requests_total', code: '200', job: 'api' }, values: [1, 2], timestamps: [T, T + 15_000] });
  });

  it('accepts remote_write 2.0 and answers the written-count headers', async () => {
    const res = await post('/api/v1/write', snappy(encodeV2([
      { labels: { __name__: 'rw2_gauge', job: 'v2' }, samples: [{ value: 5, timestamp: T }] },
      { labels: { __name__: 'rw2_gauge', job: 'v2b' }, samples: [{ value: 6, timestamp: T }] },
    ])), rw2);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-prometheus-remote-write-samples-written')).toBe('2');
    expect(res.headers.get('x-prometheus-remote-write-histograms-written')).toBe('0');
    const values = await eventually(() => get('/api/v1/label/job/values?match[]=rw2_gauge'), (r) => (r.body.data as unknown[]).length === 2, 'the written data');
    expect(values.body.data).toEqual(['v2', 'v2b']);
  });

  it('refuses what it cannot read, with codes that name the problem', async () => {
    const garbage = await post('/api/v1/write', Buffer.from('not snappy at all'), rw1);
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toBe('BAD_ENCODING');
    const badProto = await post('/api/v1/write', snappy(Buffer.from([0x0a, 0xff, 0xff, 0x7f])), rw1);
    expect(badProto.status).toBe(400);
    expect(await badProto.json()).toMatchObject({ status: 'error', errorType: 'bad_data', code: 'BAD_PROTOBUF' });
    const unsupported = await post('/api/v1/write', snappy(encodeV1([])), { ...rw1, 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request' });
    expect(unsupported.status).toBe(415);
    const big = await post('/api/v1/write', snappy(Buffer.alloc(2 << 20)), rw1);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { code: string }).code).toBe('BODY_TOO_LARGE');
    const bomb = await post('/api/v1/import/prometheus', gzipSync(Buffer.alloc(3 << 20, 'a')), { 'Content-Encoding': 'gzip' });
    expect(bomb.status).toBe(413);
  });

  it('stores the valid part of a remote_write batch and reports the rest', async () => {
    const res = await post('/api/v1/write', snappy(encodeV1([
      { labels: { __name__: 'partial_ok' }, samples: [{ value: 1, timestamp: T }] },
      { labels: { job: 'nameless' }, samples: [{ value: 1, timestamp: T }] },
      { labels: { __name__: 'partial_ok', 'bad-label': 'x' }, samples: [{ value: 1, timestamp: T }] },
    ])), rw1);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'SAMPLES_REJECTED', accepted: 1, rejected: 2, reasons: { missing_metric_name: 1, invalid_label_name: 1 } });
    const ooo = await post('/api/v1/write', snappy(encodeV1([{ labels: { __name__: 'partial_ok' }, samples: [{ value: 1, timestamp: T - 1000 }] }])), rw1);
    expect(await ooo.json()).toMatchObject({ code: 'SAMPLES_REJECTED', reasons: { out_of_order: 1 } });
    await eventually(() => get('/api/v1/series?match[]=partial_ok'), (r) => (r.body.data as unknown[]).length === 1, 'the written data');
  });

  it('imports Prometheus text and OpenMetrics, reporting bad lines by number', async () => {
    const text = '# TYPE txt_total counter\ntxt_total{a="1"} 3\ntxt_total{a="2"} oops\n';
    const res = await post('/api/v1/import/prometheus?extra_label=source=test', text);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; accepted: number; lineErrors: string[] };
    expect(body.code).toBe('BAD_TEXT');
    expect(body.accepted).toBe(1);
    expect(body.lineErrors[0]).toMatch(/^line 3: invalid value "oops"/);
    const om = await post('/api/v1/import/prometheus', gzipSync('# TYPE om counter\nom_total 4 # {trace_id="x"} 1\n# EOF\n'), { 'Content-Type': 'application/openmetrics-text; version=1.0.0', 'Content-Encoding': 'gzip' });
    expect(om.status).toBe(204);
    const series = await eventually(() => get('/api/v1/series?match[]={__name__=~"txt_total|om_total"}'), (r) => (r.body.data as unknown[]).length === 2, 'the written data');
    expect(series.body.data).toEqual(expect.arrayContaining([{ __name__: 'txt_total', a: '1', source: 'test' }, { __name__: 'om_total' }]));
  });

  it('round-trips the JSON export through the JSON import', async () => {
    const line = { metric: { __name__: 'json_metric', k: 'v' }, values: [1.5, 'NaN', '+Inf', 'stale'], timestamps: [T, T + 1, T + 2, T + 3] };
    expect((await post('/api/v1/import', `${JSON.stringify(line)}\n`)).status).toBe(204);
    const out = await eventually(async () => (await fetch(`${server.url}/api/v1/export?match[]=json_metric`)).text(), (t) => t.length > 0, 'the written data');
    expect(JSON.parse(out)).toEqual(line);
    // The same series in Prometheus's text format, which the text import reads back (staleness markers left out).
    const text = await fetch(`${server.url}/api/v1/export/prometheus?match[]=json_metric`);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await text.text()).toBe(`json_metric{k="v"} 1.5 ${T}\njson_metric{k="v"} NaN ${T + 1}\njson_metric{k="v"} +Inf ${T + 2}\n`);
    expect(await (await fetch(`${server.url}/api/v1/export?format=prometheus&match[]=json_metric`)).text()).toContain('json_metric{k="v"} 1.5');
    expect((await fetch(`${server.url}/api/v1/export/csv?match[]=json_metric`)).status).toBe(400);
    const bad = await post('/api/v1/import', '{"metric":{"__name__":"x"},"values":[1]}\nnot json\n');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('BAD_JSON');
  });

  it('answers labels, buildinfo, bad parameters and unknown paths the Prometheus way', async () => {
    const labels = await get('/api/v1/labels');
    expect(labels.body.data).toEqual(expect.arrayContaining(['__name__', 'job', 'code']));
    const post = await fetch(`${server.url}/api/v1/series`, { method: 'POST', body: 'match[]=rw_requests_total', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(((await post.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect((await get('/api/v1/status/buildinfo')).body.data).toMatchObject({ version: expect.any(String) as unknown });
    expect(await get('/api/v1/series')).toMatchObject({ status: 400, body: { errorType: 'bad_data', error: 'no match[] parameter provided' } });
    expect((await get('/api/v1/series?match[]=up&start=yesterday')).body.code).toBe('BAD_PARAMETER');
    expect((await get('/api/v1/nope')).status).toBe(404);
    const otherTenant = await fetch(`${server.url}/api/v1/series?match[]=rw_requests_total`, { headers: { 'X-Scope-OrgID': 'team-b' } });
    expect(((await otherTenant.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('exposes health and its own metrics', async () => {
    expect((await get('/health')).body).toMatchObject({ status: 'ok', components: { storage: { ok: true } } });
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
    expect((await get('/-/healthy')).status).toBe(200);
    expect((await get('/-/ready')).body).toMatchObject({ status: 'ready' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/allseer_ingested_samples_total\{protocol="remote_write"\} \d+/);
    expect(metrics).toMatch(/allseer_rejected_samples_total\{protocol="remote_write",reason="missing_metric_name"\} 1/);
    expect(metrics).toMatch(/allseer_process_resident_memory_bytes \d+/);
    expect(metrics).toMatch(/allseer_nodejs_eventloop_lag_seconds/);
    expect(metrics).toMatch(/allseer_wal_pending_bytes/);
    expect(Number(/^allseer_storage_memory_bytes (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
