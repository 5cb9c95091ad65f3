import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsHttp } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsHttp } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter as TracesHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { eventually } from '../../../test/wait.js';

// The real OpenTelemetry JS exporters (the versions that run on Node 20) send traces and logs to
// the running server, as protobuf and as JSON, plain and gzip; the search and trace APIs give
// them back, and a log record leads to its trace.
let server: TestServer;
beforeAll(async () => { server = await startTestServer('batcher:\n  flush_interval: 50ms\n'); });
afterAll(async () => { await server.cleanup(); });

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as { status: string; data: unknown } };
};

async function emit(variant: 'proto' | 'http', gzip: boolean, service: string): Promise<string> {
  const compression = gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  const resource = resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' });
  const traceExporter = variant === 'proto' ? new TracesProto({ url: `${server.url}/v1/traces`, compression }) : new TracesHttp({ url: `${server.url}/v1/traces`, compression });
  const logExporter = variant === 'proto' ? new LogsProto({ url: `${server.url}/v1/logs`, compression }) : new LogsHttp({ url: `${server.url}/v1/logs`, compression });
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(traceExporter)] });
  const logs = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
  const t = tracer.getTracer('checkout-test', '1.0.0');
  const parent = t.startSpan('POST /checkout', { kind: SpanKind.SERVER, attributes: { 'http.route': '/checkout', 'http.status_code': 500 } });
  const ctx = trace.setSpan(context.active(), parent);
  const child = t.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, ctx);
  child.addEvent('rows fetched', { count: 3 });
  child.end();
  logs.getLogger('checkout-test').emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `payment failed for order ${variant}-${gzip ? 'gzip' : 'none'}`, attributes: { 'order.id': 42, retry: false }, context: ctx });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  parent.end();
  await tracer.forceFlush();
  await logs.forceFlush();
  await tracer.shutdown();
  await logs.shutdown();
  return parent.spanContext().traceId;
}

describe('OpenTelemetry exporters → OTLP/HTTP', () => {
  for (const [variant, compression] of [['proto', 'none'], ['proto', 'gzip'], ['http', 'none'], ['http', 'gzip']] as const) {
    it(`stores traces and logs sent as ${variant === 'proto' ? 'protobuf' : 'JSON'}${compression === 'gzip' ? ' with gzip' : ''}`, async () => {
      const service = `checkout-${variant}-${compression}`;
      const traceId = await emit(variant, compression === 'gzip', service);
      type Logs = { records: { body: string; traceId: string; spanId: string; severityText: string; severityNumber: number; serviceName: string; logAttributes: Record<string, string>; resourceAttributes: Record<string, string> }[] };
      const found = await eventually(() => get(`/api/v1/logs?service=${service}&q=payment`), (r) => (r.body.data as Logs).records.length > 0, 'the log record');
      const [record] = (found.body.data as Logs).records;
      expect(record).toMatchObject({ body: `payment failed for order ${variant}-${compression}`, traceId, severityText: 'ERROR', severityNumber: 17, serviceName: service, logAttributes: { 'order.id': '42', retry: 'false' } });
      expect(record!.resourceAttributes['deployment.environment']).toBe('test');

      // From the log record to its trace.
      type Tree = { spans: { name: string; kind: string; depth: number; serviceName: string; statusCode: string; statusMessage: string; critical: boolean; attributes: Record<string, string>; events: { name: string; attributes: Record<string, string> }[] }[] };
      const tree = await eventually(() => get(`/api/v1/traces/${record!.traceId}`), (r) => r.status === 200 && (r.body.data as Tree).spans.length === 2, 'the trace');
      const spans = (tree.body.data as Tree).spans;
      expect(spans.map((s) => [s.name, s.kind, s.depth, s.serviceName])).toEqual([['POST /checkout', 'Server', 0, service], ['SELECT orders', 'Client', 1, service]]);
      expect(spans[0]).toMatchObject({ statusCode: 'Error', statusMessage: 'boom', critical: true, attributes: { 'http.route': '/checkout', 'http.status_code': '500' } });
      expect(spans[1]!.events).toEqual([{ timeUnixNano: expect.stringMatching(/^\d{19}$/) as unknown, name: 'rows fetched', attributes: { count: '3' } }]);
    });
  }

  it('finds traces by service, operation, attribute, duration and status; lists services and operations', async () => {
    const services = (await get('/api/v1/traces/services')).body.data as string[];
    expect(services).toEqual(expect.arrayContaining(['checkout-proto-none', 'checkout-http-gzip']));
    const ops = (await get('/api/v1/traces/services/checkout-proto-none/operations')).body.data;
    expect(ops).toEqual([{ name: 'POST /checkout', kind: 'Server' }, { name: 'SELECT orders', kind: 'Client' }]);
    type Found = { traceId: string; spanCount: number; errorCount: number; rootName: string; rootService: string; services: string[] }[];
    const byAttr = (await get('/api/v1/traces?service=checkout-http-none&attr=db.system%3Dpostgresql&minDuration=0ms')).body.data as Found;
    expect(byAttr).toHaveLength(1);
    expect(byAttr[0]).toMatchObject({ spanCount: 2, errorCount: 1, rootName: 'POST /checkout', rootService: 'checkout-http-none', services: ['checkout-http-none'] });
    expect((await get('/api/v1/traces?service=checkout-http-none&status=Error')).body.data).toHaveLength(1);
    expect((await get('/api/v1/traces?service=checkout-http-none&minDuration=1h')).body.data).toEqual([]);
    expect((await get('/api/v1/traces?operation=SELECT%20orders&limit=2')).body.data).toHaveLength(2);
  });

  for (const variant of ['proto', 'http'] as const) {
    it(`stores metrics sent as ${variant === 'proto' ? 'protobuf' : 'JSON'} in the PromQL store, named as Prometheus names them`, async () => {
      const job = `shop-${variant}`;
      const exporter = variant === 'proto' ? new MetricsProto({ url: `${server.url}/v1/metrics` }) : new MetricsHttp({ url: `${server.url}/v1/metrics` });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': job, 'service.instance.id': 'i-1', 'host.name': 'box' }),
        readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
      });
      const meter = provider.getMeter('shop-test');
      meter.createCounter('orders', { unit: '{orders}', description: 'Orders placed.' }).add(3, { 'payment.method': 'card' });
      meter.createHistogram('checkout.duration', { unit: 'ms' }).record(12.5, { route: '/checkout' });
      meter.createUpDownCounter('queue.depth').add(-2);
      await provider.forceFlush();
      await provider.shutdown();
      const query = async (q: string) => ((await get(`/api/v1/query?query=${encodeURIComponent(q)}`)).body.data as { result: { metric: Record<string, string>; value: [number, string] }[] }).result;
      const orders = await eventually(() => query(`orders_total{job="${job}"}`), (r) => r.length === 1, 'the counter');
      expect(orders[0]).toMatchObject({ metric: { __name__: 'orders_total', job, instance: 'i-1', payment_method: 'card' }, value: [expect.any(Number), '3'] });
      expect((await query(`checkout_duration_milliseconds_bucket{job="${job}",le="25"}`))[0]!.value[1]).toBe('1');
      expect((await query(`checkout_duration_milliseconds_bucket{job="${job}",le="10"}`))[0]!.value[1]).toBe('0');
      expect((await query(`checkout_duration_milliseconds_sum{job="${job}"}`))[0]!.value[1]).toBe('12.5');
      expect((await query(`histogram_quantile(0.5, checkout_duration_milliseconds_bucket{job="${job}"})`))[0]!.value[1]).toBe('17.5');
      expect((await query(`queue_depth{job="${job}"}`))[0]!.value[1]).toBe('-2');
      expect((await query(`target_info{job="${job}"}`))[0]!.metric).toMatchObject({ host_name: 'box', instance: 'i-1' });
      const meta = (await get('/api/v1/metadata?metric=orders_total')).body.data as Record<string, { type: string; help: string }[]>;
      expect(meta.orders_total?.[0]).toMatchObject({ type: 'counter', help: 'Orders placed.' });
    });
  }
});
