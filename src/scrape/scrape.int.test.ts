import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// A /metrics page the test controls, scraped by our server every 200 ms.
let page = '';
let status = 200;
let contentType = 'text/plain; version=0.0.4; charset=utf-8';
let target: Server;
let server: TestServer;

interface Exported { metric: Record<string, string>; values: (number | string)[]; timestamps: number[] }

async function exportSeries(selector: string): Promise<Exported[]> {
  const text = await (await fetch(`${server.url}/api/v1/export?match[]=${encodeURIComponent(selector)}`)).text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Exported);
}

beforeAll(async () => {
  target = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(page);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const port = (target.address() as AddressInfo).port;
  page = [
    '# HELP shop_orders_total Orders.',
    '# TYPE shop_orders_total counter',
    'shop_orders_total{method="GET",job="inner"} 3',
    'shop_orders_total{method="POST",job="inner"} 1',
    'go_gc_seconds 0.5',
    '',
  ].join('\n');
  server = await startTestServer([
    'batcher:',
    '  flush_interval: 50ms',
    'scrape_configs:',
    '  - job_name: shop',
    '    scrape_interval: 200ms',
    '    scrape_timeout: 150ms',
    '    static_configs:',
    `      - targets: ["127.0.0.1:${port}"]`,
    '        labels: { env: test }',
    '    metric_relabel_configs:',
    '      - action: drop',
    '        source_labels: [__name__]',
    '        regex: go_.*',
  ].join('\n'));
});

afterAll(async () => {
  await server.cleanup();
  await new Promise((r) => target.close(r));
});

describe('scraping static targets', () => {
  it('stores scraped series with job/instance labels and the synthetic series', async () => {
    await eventually(async () => (await exportSeries('shop_orders_total')).length === 2, Boolean, 'scraped series');
    const [get] = (await exportSeries('shop_orders_total{method="GET"}'));
    const instance = get!.metric.instance!;
    expect(get!.metric).toEqual({ __name__: 'shop_orders_total', method: 'GET', job: 'shop', exported_job: 'inner', env: 'test', instance });
    expect(instance).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(get!.values[0]).toBe(3);
    expect(await exportSeries('go_gc_seconds')).toEqual([]);
    await eventually(async () => (await exportSeries('scrape_samples_scraped')).length === 1, Boolean, 'synthetic series');
    const [up] = await exportSeries('up{job="shop"}');
    expect(up!.metric).toEqual({ __name__: 'up', job: 'shop', env: 'test', instance });
    expect(up!.values.every((v) => v === 1)).toBe(true);
    const [scraped] = await exportSeries('scrape_samples_scraped');
    expect(scraped!.values[0]).toBe(3);
    const [post] = await exportSeries('scrape_samples_post_metric_relabeling');
    expect(post!.values[0]).toBe(2);
    expect((await exportSeries('scrape_duration_seconds')).length).toBe(1);
    const meta = (await (await fetch(`${server.url}/api/v1/metadata?metric=shop_orders_total`)).json()) as { data: Record<string, unknown> };
    expect(meta.data.shop_orders_total).toEqual([{ type: 'counter', help: 'Orders.', unit: '' }]);
    const targets = (await (await fetch(`${server.url}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } };
    expect(targets.data.activeTargets[0]!.health).toBe('up');
  });

  it('writes a staleness marker when a series disappears from the page', async () => {
    page = 'shop_orders_total{method="GET",job="inner"} 4\n';
    await eventually(async () => (await exportSeries('shop_orders_total{method="POST"}'))[0]?.values.at(-1) === 'stale', Boolean, 'stale marker for POST');
    const [get] = await exportSeries('shop_orders_total{method="GET"}');
    expect(get!.values.at(-1)).toBe(4);
  });

  it('marks everything stale and up=0 when the target fails, and recovers', async () => {
    status = 500;
    await eventually(async () => (await exportSeries('up{job="shop"}'))[0]?.values.at(-1) === 0, Boolean, 'up == 0');
    await eventually(async () => (await exportSeries('shop_orders_total{method="GET"}'))[0]?.values.at(-1) === 'stale', Boolean, 'stale GET');
    status = 200;
    contentType = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
    page = '# TYPE shop_orders counter\nshop_orders_total{method="GET",job="inner"} 9\n# EOF\n';
    await eventually(async () => (await exportSeries('shop_orders_total{method="GET"}'))[0]?.values.at(-1) === 9, Boolean, 'recovered');
    expect((await exportSeries('up{job="shop"}'))[0]?.values.at(-1)).toBe(1);
  });
});
