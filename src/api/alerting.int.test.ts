import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSink } from '../../test/http-sink.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';
import { eventually } from '../../test/wait.js';

// The running server end to end: rules fire and resolve, notifications go to real local
// receivers, an unacknowledged alert escalates, and every state change and notification attempt
// lands in ClickHouse, queryable with MTTR and MTBF.
const dir = tempDir('alerting');
let server: TestServer;
let sink: Awaited<ReturnType<typeof httpSink>>;

beforeAll(async () => {
  sink = await httpSink();
  const rules = join(dir.path, 'rules.yml');
  writeFileSync(rules, `groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: Flapping
        expr: vector(1) and on() (vector(time()) % 4 < 2)
      - alert: Acked
        expr: vector(1)
        labels: { severity: critical }
      - alert: Unacked
        expr: vector(2)
        labels: { severity: critical }
`);
  const am = join(dir.path, 'am.yml');
  writeFileSync(am, `route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: team
      escalations: [{ after: 6s, receiver: boss }]
receivers:
  - name: team
    webhook_configs: [{ url: '${sink.url}/team' }]
  - name: boss
    webhook_configs: [{ url: '${sink.url}/boss' }]
`);
  server = await startTestServer(`rule_files: [${rules}]\nalertmanager:\n  config_file: ${am}\nglobal:\n  evaluation_interval: 1s\n`);
});
afterAll(async () => {
  await server.cleanup();
  await sink.close();
  dir.remove();
});

const get = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as { status: string; data: unknown };
const alertnames = (path: string) => sink.on(path).flatMap((r) => (r.body as { alerts: { labels: { alertname: string } }[] }).alerts.map((a) => a.labels.alertname));

describe('alerting end to end', () => {
  it('acknowledges an alert through the API, which stops its escalation', async () => {
    type Listed = { fingerprint: string; labels: Record<string, string>; acknowledgement: unknown }[];
    const listed = await eventually(() => get('/api/v1/alerting/alerts'), (r) => (r.data as Listed).some((a) => a.labels.alertname === 'Acked'), 'the Acked alert');
    const acked = (listed.data as Listed).find((a) => a.labels.alertname === 'Acked')!;
    const res = await fetch(`${server.url}/api/v1/alerting/alerts/${acked.fingerprint}/ack`, { method: 'POST', body: JSON.stringify({ by: 'alice', comment: 'looking' }) });
    expect(res.status).toBe(200);
    const after = (await get('/api/v1/alerting/alerts')).data as Listed;
    expect(after.find((a) => a.fingerprint === acked.fingerprint)!.acknowledgement).toMatchObject({ by: 'alice', comment: 'looking' });
    await eventually(() => Promise.resolve(alertnames('/boss')), (names) => names.includes('Unacked'), 'the escalation of Unacked', { timeoutMs: 20_000 });
    expect(alertnames('/boss')).not.toContain('Acked');
    expect(alertnames('/team')).toEqual(expect.arrayContaining(['Acked', 'Unacked']));

    const missing = await fetch(`${server.url}/api/v1/alerting/alerts/0123456789abcdef/ack`, { method: 'POST' });
    expect(missing.status).toBe(404);
    const bad = await fetch(`${server.url}/api/v1/alerting/alerts/${acked.fingerprint}/ack`, { method: 'POST', body: '{"by": 5' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: 'error', error: expect.stringContaining('body is not JSON') as unknown });
  });

  it('stores every state change and notification attempt, queryable by rule, labels and receiver', async () => {
    type Event = { rule: string; state: string; previous: string; source: string; labels: Record<string, string> };
    const flapping = await eventually(() => get('/api/v1/alerting/history?rule=Flapping'), (r) => (r.data as Event[]).some((e) => e.state === 'resolved'), 'Flapping to resolve', { timeoutMs: 20_000 });
    const states = (flapping.data as Event[]).map((e) => `${e.previous}->${e.state}`);
    expect(states).toEqual(expect.arrayContaining(['inactive->pending', 'pending->firing', 'firing->resolved']));
    expect((flapping.data as Event[]).every((e) => e.rule === 'Flapping' && e.source === 'rule')).toBe(true);
    const byLabel = await get(`/api/v1/alerting/history?match[]=${encodeURIComponent('{alertname="Unacked",severity="critical"}')}`);
    expect((byLabel.data as Event[]).map((e) => e.labels.alertname)).toEqual(expect.arrayContaining(['Unacked']));
    expect((byLabel.data as Event[]).every((e) => e.labels.alertname === 'Unacked')).toBe(true);
    const empty = await get('/api/v1/alerting/history?rule=Flapping&start=0&end=1');
    expect(empty.data).toEqual([]);

    type Attempt = { receiver: string; integration: string; outcome: string; rules: string[] };
    const sent = await eventually(() => get('/api/v1/alerting/notifications?receiver=boss'), (r) => (r.data as Attempt[]).length > 0, 'the escalation attempt in the history');
    expect(sent.data).toEqual([expect.objectContaining({ receiver: 'boss', integration: 'webhook/0', outcome: 'sent', rules: ['Unacked'] })]);

    type Reliability = { rule: string; incidents: number; resolved: number; mttrSeconds: number | null };
    const rel = await get('/api/v1/alerting/reliability?rule=Flapping');
    const [flap] = rel.data as Reliability[];
    expect(flap).toMatchObject({ rule: 'Flapping' });
    expect(flap!.resolved).toBeGreaterThan(0);
    expect(flap!.mttrSeconds).toBeGreaterThan(0);
    expect(flap!.mttrSeconds).toBeLessThan(5);
  });

  it('records alerts received through the Alertmanager API as they fire and resolve', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const post = (endsAt?: string) => fetch(`${server.url}/api/v2/alerts`, { method: 'POST', body: JSON.stringify([{ labels: { alertname: 'FromOutside', job: 'x' }, startsAt, ...(endsAt ? { endsAt } : {}) }]) });
    expect((await post()).status).toBe(200);
    expect((await post(new Date().toISOString())).status).toBe(200);
    type Event = { state: string; source: string };
    const events = await eventually(() => get('/api/v1/alerting/history?rule=FromOutside'), (r) => (r.data as Event[]).length >= 2, 'both events');
    expect((events.data as Event[]).map((e) => `${e.source}:${e.state}`).sort()).toEqual(['api:firing', 'api:resolved']);
  });

  it('refuses bad history parameters', async () => {
    const res = await fetch(`${server.url}/api/v1/alerting/history?start=yesterday`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', errorType: 'bad_data', error: expect.stringContaining('"start"') as unknown });
  });
});
