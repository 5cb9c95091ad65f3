import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type PrometheusProcess } from '../../../test/prometheus.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { tempDir } from '../../../test/tmp.js';
import { eventually } from '../../../test/wait.js';

// A real Prometheus (Debian's package) scrapes a page this test serves and remote_writes to us.
const dir = tempDir('prometheus');
let page: Server;
let server: TestServer;
let prometheus: PrometheusProcess | undefined;

beforeAll(async () => {
  page = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end('# HELP checkout_total Checkouts.\n# TYPE checkout_total counter\ncheckout_total{shop="berlin"} 42\ncheckout_total{shop="paris"} 7\n');
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  server = await startTestServer('batcher:\n  flush_interval: 100ms\n');
  prometheus = await startPrometheus(dir.path, [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: shop',
    '    static_configs:',
    `      - targets: ["127.0.0.1:${(page.address() as AddressInfo).port}"]`,
    'remote_write:',
    `  - url: ${server.url}/api/v1/write`,
    '    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms }',
    '    metadata_config: { send_interval: 1s }',
  ].join('\n'));
});

afterAll(async () => {
  await prometheus?.stop();
  await server.cleanup();
  await new Promise((r) => page.close(r));
  dir.remove();
});

describe('a real Prometheus with remote_write pointed at us', () => {
  it('delivers what it scraped, with its labels, values and metadata', async () => {
    const fromPrometheus = { timeoutMs: 30_000, context: () => `prometheus said:\n${prometheus?.log().slice(-3000) ?? ''}` };
    const series = await eventually(async () => {
      const res = await fetch(`${server.url}/api/v1/series?match[]=checkout_total`);
      return ((await res.json()) as { data: Record<string, string>[] }).data;
    }, (data) => data.length === 2, 'checkout_total from Prometheus', fromPrometheus);
    expect(series.map((s) => s.shop).sort()).toEqual(['berlin', 'paris']);
    expect(series[0]).toMatchObject({ __name__: 'checkout_total', job: 'shop' });
    // Series rows are stored just before their samples: the first export may come in between.
    const exported = await eventually(async () => (await fetch(`${server.url}/api/v1/export?match[]=checkout_total{shop="berlin"}`)).text(), (text) => text.length > 0, 'exported samples', fromPrometheus);
    const line = JSON.parse(exported.split('\n')[0]!) as { values: number[] };
    expect(line.values.every((v) => v === 42)).toBe(true);
    const up = await eventually(async () => (await fetch(`${server.url}/api/v1/export?match[]=up{job="shop"}`)).text(), (text) => text.length > 0, 'exported up', fromPrometheus);
    expect((JSON.parse(up.split('\n')[0]!) as { values: number[] }).values).toContain(1);
    const meta = await eventually(async () => {
      const res = await fetch(`${server.url}/api/v1/metadata?metric=checkout_total`);
      return ((await res.json()) as { data: Record<string, unknown[]> }).data;
    }, (data) => data.checkout_total !== undefined, 'metadata from Prometheus', fromPrometheus);
    expect(meta.checkout_total).toEqual([{ type: 'counter', help: 'Checkouts.', unit: '' }]);
    expect(prometheus?.log()).not.toMatch(/level=error.*remote/i);
  });
});
