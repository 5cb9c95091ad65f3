import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';
import { eventually } from '../../test/wait.js';

// Rule groups evaluated by the running server every second; results come back through the
// query API (recorded series, ALERTS) and through /api/v1/rules and /api/v1/alerts.
const dir = tempDir('rules-api');
let server: TestServer;

beforeAll(async () => {
  const rules = join(dir.path, 'rules.yml');
  writeFileSync(rules, `groups:
  - name: fast
    interval: 1s
    rules:
      - record: test:one
        expr: vector(1)
        labels: { source: rule }
      - alert: AlwaysFiring
        expr: vector(42) > 0
        labels: { severity: ticket }
        annotations: { summary: "value is {{ $value }}" }
      - alert: NeverFiring
        expr: vector(0) > 1
        for: 5m
`);
  server = await startTestServer(`rule_files:\n  - ${rules}\nbatcher:\n  flush_interval: 50ms\nglobal:\n  evaluation_interval: 1s\nkpis:\n  - name: QueueDepth\n    query: vector(5)\n    warning: { max: 3 }\n    critical: { max: 10 }\n    labels: { team: ops }\n`);
});
afterAll(async () => {
  await server.cleanup();
  dir.remove();
});

const get = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as { status: string; data: Record<string, unknown> };

describe('rule evaluation in the server', () => {
  it('fires alerts and shows them in Prometheus shapes', async () => {
    const all = await eventually(() => get('/api/v1/alerts'), (r) => (r.data.alerts as unknown[]).length > 1, 'firing alerts');
    // The KPI threshold is crossed at its warning level only.
    expect((all.data.alerts as Record<string, unknown>[]).filter((a) => (a.labels as Record<string, string>).kpi)).toEqual([{
      labels: { alertname: 'QueueDepth', kpi: 'QueueDepth', severity: 'warning', team: 'ops' }, annotations: { summary: 'KPI QueueDepth is 5, warning when above 3' },
      state: 'firing', activeAt: expect.any(String) as unknown, value: '5e+00',
    }]);
    const alerts = { data: { alerts: (all.data.alerts as Record<string, unknown>[]).filter((a) => !(a.labels as Record<string, string>).kpi) } };
    expect(alerts.data.alerts).toEqual([{
      labels: { alertname: 'AlwaysFiring', severity: 'ticket' }, annotations: { summary: 'value is 42' }, state: 'firing',
      activeAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown, value: '4.2e+01',
    }]);
    const rules = await get('/api/v1/rules');
    expect((rules.data.groups as Record<string, unknown>[]).map((g) => g.name)).toEqual(['fast', 'kpis']);
    const group = (rules.data.groups as Record<string, unknown>[])[0]!;
    expect(group).toMatchObject({ name: 'fast', interval: 1, limit: 0 });
    expect((group.rules as Record<string, unknown>[]).map((r) => [r.type, r.name, r.health, r.state])).toEqual([
      ['recording', 'test:one', 'ok', undefined], ['alerting', 'AlwaysFiring', 'ok', 'firing'], ['alerting', 'NeverFiring', 'ok', 'inactive'],
    ]);
    const onlyAlerts = await get('/api/v1/rules?type=alert');
    expect(((onlyAlerts.data.groups as Record<string, unknown>[])[0]!.rules as unknown[]).length).toBe(2);
  });

  it('writes recorded series and ALERTS back as queryable series', async () => {
    const q = (expr: string) => get(`/api/v1/query?query=${encodeURIComponent(expr)}`);
    const rec = await eventually(() => q('test:one'), (r) => ((r.data.result as unknown[]) ?? []).length > 0, 'the recorded series');
    expect(rec.data.result).toMatchObject([{ metric: { __name__: 'test:one', source: 'rule' }, value: [expect.any(Number), '1'] }]);
    const alerts = await eventually(() => q('ALERTS{alertname="AlwaysFiring"}'), (r) => ((r.data.result as unknown[]) ?? []).length > 0, 'the ALERTS series');
    expect(alerts.data.result).toMatchObject([{ metric: { __name__: 'ALERTS', alertname: 'AlwaysFiring', alertstate: 'firing', severity: 'ticket' }, value: [expect.any(Number), '1'] }]);
  });

  it('reloads rule files on POST /-/reload, keeping the running rules when a file is broken', async () => {
    const rules = join(dir.path, 'rules.yml');
    const before = await get('/api/v1/rules');
    writeFileSync(rules, 'groups:\n  - name: fast\n    rules:\n      - alert: Broken\n        expr: sum(\n');
    const bad = await fetch(`${server.url}/-/reload`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: 'error', code: 'BAD_RULES', errors: [expect.stringContaining('rules.yml:5:15:') as unknown] });
    expect(((await get('/api/v1/rules')).data.groups as unknown[]).length).toBe((before.data.groups as unknown[]).length);
    writeFileSync(rules, 'groups:\n  - name: fast\n    interval: 1s\n    rules:\n      - alert: AlwaysFiring\n        expr: vector(42) > 0\n        labels: { severity: ticket }\n      - alert: Added\n        expr: vector(1)\n');
    const good = await fetch(`${server.url}/-/reload`, { method: 'POST' });
    expect(good.status).toBe(200);
    const after = await get('/api/v1/rules');
    const names = ((after.data.groups as Record<string, unknown>[])[0]!.rules as Record<string, unknown>[]).map((r) => r.name);
    expect(names).toEqual(['AlwaysFiring', 'Added']);
    // The alert that stayed keeps its state (and start time) across the reload.
    const firing = ((after.data.groups as Record<string, unknown>[])[0]!.rules as Record<string, unknown>[])[0]!;
    expect(firing.state).toBe('firing');
  });
});
