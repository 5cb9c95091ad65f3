import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.js';
import { parseAmConfig } from './config.js';
import { Dispatcher } from './dispatch.js';
import { AlertStore, SilenceStore } from './store.js';

// The dispatcher against a real local webhook receiver, with the clock in the test's hands.
const dir = tempDir('dispatch');
const chats: { path: string; body: Record<string, unknown> }[] = [];
const received: { auth: string | undefined; body: { status: string; receiver: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string> }[] } }[] = [];
let failNext = 0;
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => { text += d.toString(); });
    req.on('end', () => {
      if (req.url !== '/hook') {
        chats.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
        res.writeHead(200).end();
        return;
      }
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({ auth: req.headers.authorization, body: JSON.parse(text) as (typeof received)[number]['body'] });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  dir.remove();
});

describe('Dispatcher with a webhook receiver', () => {
  it('groups, waits, sends, repeats, retries and sends resolved alerts', async () => {
    const { config, errors } = parseAmConfig(`route:
  receiver: hook
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${url}
        http_config: { authorization: { credentials: s3cret } }
`, 'am.yml');
    expect(errors).toEqual([]);
    const alerts = new AlertStore();
    const silences = new SilenceStore(join(dir.path, 's.json'));
    const failures: string[] = [];
    const d = new Dispatcher({ alerts, silences, config: () => config!, externalURL: 'http://allseer', onError: (_r, e) => failures.push(e.message) });
    const put = (instance: string, t: number, endsAt = t + 36_000_000) => { alerts.put({ labels: { alertname: 'Down', instance }, annotations: {}, startsAt: t, endsAt, updatedAt: t, generatorURL: '' }); };

    put('a', 0);
    await d.tick(1000);
    expect(received).toHaveLength(0); // group_wait
    put('b', 10_000);
    await d.tick(30_000);
    expect(received).toHaveLength(0); // group_wait counts from when the group appeared (1 s)
    await d.tick(31_000);
    expect(received).toHaveLength(1);
    expect(received[0]!.auth).toBe('Bearer s3cret');
    expect(received[0]!.body).toMatchObject({ status: 'firing', receiver: 'hook', groupLabels: { alertname: 'Down' } });
    expect(received[0]!.body.alerts.map((a) => a.labels.instance).sort()).toEqual(['a', 'b']);

    await d.tick(31_000 + 300_000); // group_interval passed, nothing changed: no repeat yet
    expect(received).toHaveLength(1);
    await d.tick(31_000 + 3_600_000); // repeat_interval
    expect(received).toHaveLength(2);

    failNext = 1;
    put('a', 3_700_000, 3_700_000); // resolved
    await d.tick(4_000_000);
    expect(failures).toEqual([expect.stringContaining('answered 503') as unknown]);
    expect(received).toHaveLength(2);
    await d.tick(4_001_000); // retried after 1 s
    expect(received).toHaveLength(3);
    expect(received[2]!.body.alerts.map((a) => `${a.labels.instance}:${a.status}`).sort()).toEqual(['a:resolved', 'b:firing']);
  });

  it('sends coloured chat messages to Slack and Discord, and PagerDuty events', async () => {
    const base = url.replace('/hook', '');
    const { config, errors } = parseAmConfig(`route:
  receiver: chat
  group_wait: 1s
receivers:
  - name: chat
    slack_configs: [{ api_url: '${base}/slack', channel: '#ops' }]
    discord_configs: [{ webhook_url: '${base}/discord' }]
    console_configs: [{}]
    pagerduty_configs: [{ routing_key: 'R0UT1NG', url: '${base}/pagerduty' }]
`, 'am.yml');
    expect(errors).toEqual([]);
    const alerts = new AlertStore();
    const d = new Dispatcher({ alerts, silences: new SilenceStore(join(dir.path, 's2.json')), config: () => config!, externalURL: 'http://allseer', onError: () => undefined });
    alerts.put({ labels: { alertname: 'DiskFull', severity: 'critical', instance: 'db-1' }, annotations: { summary: 'disk 97% full' }, startsAt: 0, endsAt: 3_600_000, updatedAt: 0, generatorURL: '' });
    await d.tick(0);
    await d.tick(1000);
    expect(chats.map((c) => c.path).sort()).toEqual(['/discord', '/pagerduty', '/slack']);
    const trigger = chats.find((c) => c.path === '/pagerduty')!.body;
    expect(trigger).toMatchObject({ routing_key: 'R0UT1NG', event_action: 'trigger', payload: { summary: '[FIRING:1] DiskFull', severity: 'critical' } });
    alerts.put({ labels: { alertname: 'DiskFull', severity: 'critical', instance: 'db-1' }, annotations: {}, startsAt: 0, endsAt: 2000, updatedAt: 2000, generatorURL: '' });
    await d.tick(400_000);
    const resolve = chats.filter((c) => c.path === '/pagerduty')[1]!.body;
    expect(resolve).toEqual({ routing_key: 'R0UT1NG', event_action: 'resolve', dedup_key: trigger.dedup_key });
    expect(chats.filter((c) => c.path === '/slack')).toHaveLength(1); // chat: no resolved without send_resolved
    expect(chats.find((c) => c.path === '/slack')!.body).toMatchObject({ channel: '#ops', attachments: [{ color: '#d62728', title: '[FIRING:1] DiskFull', text: 'firing: disk 97% full', title_link: 'http://allseer' }] });
    expect(chats.find((c) => c.path === '/discord')!.body).toMatchObject({ embeds: [{ title: '[FIRING:1] DiskFull', color: 0xd62728, description: 'firing: disk 97% full' }] });
  });

  it('does not notify again after a restart what was already notified', async () => {
    const { config } = parseAmConfig(`route:\n  receiver: hook\n  group_wait: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs: [{ url: '${url}' }]\n`, 'am.yml');
    const stateDir = join(dir.path, 'state');
    const start = () => {
      const alerts = new AlertStore();
      const d = new Dispatcher({ alerts, silences: new SilenceStore(join(dir.path, 's3.json')), config: () => config!, stateDir, externalURL: 'http://allseer', onError: () => undefined });
      alerts.put({ labels: { alertname: 'Restarted' }, annotations: {}, startsAt: 0, endsAt: 36_000_000, updatedAt: 0, generatorURL: '' });
      return d;
    };
    const before = received.length;
    const first = start();
    await first.tick(0);
    await first.tick(1000);
    expect(received.length).toBe(before + 1);
    const second = start(); // a restart: the same alert comes back
    await second.tick(60_000);
    await second.tick(61_000);
    expect(received.length).toBe(before + 1);
    await second.tick(1000 + 3_600_000); // but the repeat interval still applies
    expect(received.length).toBe(before + 2);
  });

  it('refuses receivers it cannot build', () => {
    const bad = parseAmConfig('route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs: [{ url: "ftp://x" }]\n    carrier_pigeon_configs: [{}]\n', 'am.yml');
    expect(bad.errors).toEqual([
      'am.yml: receiver "r": webhook_configs[0]: url must be an http(s) URL',
      'am.yml: receiver "r": carrier_pigeon_configs is not supported (supported: webhook_configs, slack_configs, discord_configs, console_configs, pagerduty_configs, email_configs)',
    ]);
  });
});
