import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSink } from '../../test/http-sink.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';
import { eventually } from '../../test/wait.js';

// The running server end to end: rules fire and resolve, notifications go to real local
// receivers (HTTP and SMTP) through every integration, silenced and inhibited alerts are not
// notified, an unacknowledged alert escalates, and every state change and notification attempt
// lands in ClickHouse, queryable with MTTR and MTBF.
const dir = tempDir('alerting');
let server: TestServer;
let sink: Awaited<ReturnType<typeof httpSink>>;
const mails: string[] = [];
let smtp: SMTPServer;

beforeAll(async () => {
  sink = await httpSink();
  smtp = new SMTPServer({
    authOptional: true,
    onData: (stream, _session, cb) => {
      let raw = '';
      stream.on('data', (d: Buffer) => { raw += d.toString(); });
      stream.on('end', () => { mails.push(raw); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpAddr = smtp.server.address();
  const smtpPort = typeof smtpAddr === 'object' && smtpAddr ? smtpAddr.port : 0;
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
      - alert: AllChannels
        expr: vector(3)
        labels: { channel: all, severity: warning }
        annotations: { summary: "every integration gets this" }
      - alert: Silenced
        expr: vector(4)
        for: 3s
      - alert: InhibitedOne
        expr: vector(5)
        for: 2s
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
    - matchers: ['channel="all"']
      receiver: everything
inhibit_rules:
  - source_matchers: ['alertname="Unacked"']
    target_matchers: ['alertname="InhibitedOne"']
receivers:
  - name: everything
    slack_configs: [{ api_url: '${sink.url}/slack', channel: '#ops' }]
    discord_configs: [{ webhook_url: '${sink.url}/discord' }]
    pagerduty_configs: [{ routing_key: 'key', url: '${sink.url}/pagerduty' }]
    email_configs: [{ to: ops@example.com, from: alerts@example.com, smarthost: '127.0.0.1:${smtpPort}', require_tls: false }]
    console_configs: [{}]
  - name: team
    webhook_configs: [{ url: '${sink.url}/team' }]
  - name: boss
    webhook_configs: [{ url: '${sink.url}/boss' }]
`);
  server = await startTestServer(`rule_files: [${rules}]\nalertmanager:\n  config_file: ${am}\nglobal:\n  evaluation_interval: 1s\n`);
  // Silenced fires only after 3 s (its `for`): the silence is in place before it reaches the dispatcher.
  const silence = await fetch(`${server.url}/api/v2/silences`, { method: 'POST', body: JSON.stringify({
    matchers: [{ name: 'alertname', value: 'Silenced', isRegex: false, isEqual: true }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'test', comment: 'quiet',
  }) });
  expect(silence.status).toBe(200);
});
afterAll(async () => {
  await server.cleanup();
  await sink.close();
  await new Promise<void>((r) => { smtp.close(r); });
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

  it('notifies through every integration, and never the silenced or inhibited alerts', async () => {
    await eventually(() => Promise.resolve(mails.length), (n) => n > 0, 'the email');
    expect(mails[0]).toContain('every integration gets this');
    expect(sink.on('/slack')[0]!.body).toMatchObject({ channel: '#ops', attachments: [{ title: '[FIRING:1] AllChannels' }] });
    expect(sink.on('/discord')[0]!.body).toMatchObject({ embeds: [{ title: '[FIRING:1] AllChannels' }] });
    expect(sink.on('/pagerduty')[0]!.body).toMatchObject({ event_action: 'trigger', routing_key: 'key' });
    type Attempt = { integration: string; outcome: string };
    const log = await eventually(() => get('/api/v1/alerting/notifications?receiver=everything'), (r) => (r.data as Attempt[]).length >= 5, 'an attempt per integration');
    expect((log.data as Attempt[]).map((a) => `${a.integration}:${a.outcome}`).sort()).toEqual(['console/0:sent', 'discord/0:sent', 'email/0:sent', 'pagerduty/0:sent', 'slack/0:sent']);
    // Both have been firing for a while (the escalation test waited 6 s): neither was notified.
    type Listed = { labels: Record<string, string>; status: { state: string; silencedBy: string[]; inhibitedBy: string[] } }[];
    const listed = (await (await fetch(`${server.url}/api/v2/alerts`)).json()) as Listed;
    expect(listed.find((a) => a.labels.alertname === 'Silenced')!.status.silencedBy).toHaveLength(1);
    expect(listed.find((a) => a.labels.alertname === 'InhibitedOne')!.status.inhibitedBy).toHaveLength(1);
    const everything = JSON.stringify(sink.received) + mails.join('');
    expect(everything).not.toContain('Silenced');
    expect(everything).not.toContain('InhibitedOne');
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
