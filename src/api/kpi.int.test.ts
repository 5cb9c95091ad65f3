import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// The KPI report: a PromQL KPI and an event KPI, with their values per period, current value,
// trend, percentiles and threshold status (events sent with a configured capture key).
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(`batcher:
  flush_interval: 50ms
analytics:
  keys: [phc_good]
  kpi_interval: 500ms
global:
  evaluation_interval: 1s
kpis:
  - name: QueueDepth
    query: vector(5)
    unit: jobs
    period: 1h
    warning: { max: 3 }
    critical: { max: 10 }
  - name: DailySignups
    event: { name: signup }
    period: 1d
    critical: { min: 3 }
    description: signups per day
`);
  const day = 86_400_000;
  // "Today" must stay today while the tests run: close to midnight, wait for the new day first.
  const toMidnight = day - (Date.now() % day);
  if (toMidnight < 60_000) await new Promise((r) => setTimeout(r, toMidnight + 1000));
  const now = Date.now();
  const today = Math.floor(now / day) * day;
  // Today's event is in the past even just after midnight; yesterday's at 01:00.
  const at = (d: number) => (d === 0 ? Math.max(today, Math.min(now - 60_000, today + 3_600_000)) : today + d * day + 3_600_000);
  const batch = [[-1, 'a'], [-1, 'b'], [-1, 'c'], [-1, 'd'], [0, 'e']].map(([d, id]) => ({ event: 'signup', distinct_id: id, timestamp: new Date(at(d as number)).toISOString() }));
  expect((await fetch(`${server.url}/batch`, { method: 'POST', body: JSON.stringify({ api_key: 'phc_bad', batch }) })).status).toBe(401);
  expect((await fetch(`${server.url}/v1/track`, { method: 'POST', body: JSON.stringify({ userId: 'x', event: 'e' }) })).status).toBe(401);
  expect((await fetch(`${server.url}/v1/track`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('phc_good:').toString('base64')}` }, body: JSON.stringify({ userId: 'x', event: 'e' }) })).status).toBe(200);
  expect((await fetch(`${server.url}/batch`, { method: 'POST', body: JSON.stringify({ api_key: 'phc_good', batch }) })).status).toBe(200);
});
afterAll(async () => { await server.cleanup(); });

type Kpi = { name: string; unit: string; current: number | null; status: string; trend: number | null; percentiles: { p50: number | null }; values: { value: number | null }[] };

describe('KPI report', () => {
  it('reports PromQL and event KPIs with values, trend, percentiles and status', async () => {
    const get = async () => ((await (await fetch(`${server.url}/api/v1/kpis?periods=3`)).json()) as { data: Kpi[] }).data;
    const report = await eventually(get, (r) => r.find((k) => k.name === 'DailySignups')?.current === 1, 'the signups');
    const queue = report.find((k) => k.name === 'QueueDepth')!;
    expect(queue).toMatchObject({ unit: 'jobs', current: 5, status: 'warning', trend: 0, percentiles: { p50: 5 } });
    expect(queue.values).toHaveLength(3);
    const signups = report.find((k) => k.name === 'DailySignups')!;
    expect(signups).toMatchObject({ current: 1, status: 'critical', trend: -0.75 });
    expect((await fetch(`${server.url}/api/v1/kpis?periods=1`)).status).toBe(400);
  });

  it('feeds both kinds of KPI into the alerting rules', async () => {
    type Alert = { labels: Record<string, string>; state: string };
    const alerts = async () => ((await (await fetch(`${server.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } }).data.alerts;
    const firing = await eventually(alerts, (r) => r.filter((a) => a.state === 'firing').length === 2, 'both KPI alerts', { timeoutMs: 20_000 });
    expect(firing.map((a) => `${a.labels.alertname}/${a.labels.severity}`).sort()).toEqual(['DailySignups/critical', 'QueueDepth/warning']);
  });

  it('changes a KPI\'s thresholds at run time: report, rules and alerts follow, and the change survives a restart', async () => {
    const put = (name: string, body: unknown) => fetch(`${server.url}/api/v1/kpis/${name}/thresholds`, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const bad = await put('QueueDepth', { warning: { min: 9, max: 1 }, critical: null });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid thresholds for QueueDepth: warning: min (9) must be below max (1)');
    expect((await put('Nope', { warning: { max: 1 }, critical: null })).status).toBe(404);
    expect((await put('QueueDepth', { warning: { max: 'x' } })).status).toBe(400);

    expect((await put('QueueDepth', { warning: { max: 100 }, critical: null })).status).toBe(200);
    const report = ((await (await fetch(`${server.url}/api/v1/kpis`)).json()) as { data: (Kpi & { thresholds: unknown })[] }).data;
    expect(report.find((k) => k.name === 'QueueDepth')).toMatchObject({ status: 'ok', thresholds: { warning: { max: 100 }, critical: null } });
    const rules = ((await (await fetch(`${server.url}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { name: string; query: string; labels: Record<string, string> }[] }[] } }).data.groups;
    expect(rules.find((g) => g.name === 'kpis')!.rules.filter((r) => r.name === 'QueueDepth').map((r) => [r.labels.severity, r.query])).toEqual([['warning', '(vector(5)) > 100']]);
    type Alert = { labels: Record<string, string>; state: string };
    const alerts = async () => ((await (await fetch(`${server.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } }).data.alerts;
    await eventually(alerts, (r) => !r.some((a) => a.labels.alertname === 'QueueDepth'), 'the QueueDepth alert to go', { timeoutMs: 20_000 });

    await server.stop();
    const again = await startTestServer(`kpis:
  - name: QueueDepth
    query: vector(5)
    warning: { max: 3 }
`, { dataDir: server.dataDir });
    try {
      const after = ((await (await fetch(`${again.url}/api/v1/kpis`)).json()) as { data: (Kpi & { thresholds: unknown })[] }).data;
      expect(after[0]).toMatchObject({ name: 'QueueDepth', thresholds: { warning: { max: 100 }, critical: null } });
    } finally {
      await again.stop();
    }
  });
});
