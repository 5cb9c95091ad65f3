import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSink } from '../../test/http-sink.js';
import { tempDir } from '../../test/tmp.js';
import type { NotificationAttempt } from '../storage/interface.js';
import { parseAmConfig, type AmConfig } from './config.js';
import { Dispatcher } from './dispatch.js';
import { AlertStore, SilenceStore } from './store.js';

// The notification queue through the dispatcher, against a real local HTTP receiver.
const dir = tempDir('queue');
let sink: Awaited<ReturnType<typeof httpSink>>;
beforeAll(async () => { sink = await httpSink(); });
afterAll(async () => {
  await sink.close();
  dir.remove();
});

function config(receivers: string): AmConfig {
  const { config: c, errors } = parseAmConfig(`route:\n  receiver: r\n  group_wait: 1s\n  group_interval: 1m\n  repeat_interval: 1h\nreceivers:\n  - name: r\n${receivers}`, 'am.yml');
  expect(errors).toEqual([]);
  return c!;
}

function dispatcher(c: AmConfig, stateDir: string, attempts: NotificationAttempt[] = []) {
  const alerts = new AlertStore();
  const d = new Dispatcher({ alerts, silences: new SilenceStore(join(stateDir, 'silences.json')), config: () => c, externalURL: 'http://allseer', onError: () => undefined, record: (a) => attempts.push(a), stateDir });
  return { d, alerts };
}

const alert = (labels: Record<string, string>, startsAt = 0, endsAt = 36_000_000) => ({ labels, annotations: {}, startsAt, endsAt, updatedAt: startsAt, generatorURL: '' });

describe('notification queue', () => {
  it('retries each integration on its own and records every attempt', async () => {
    const c = config(`    webhook_configs:\n      - url: ${sink.url}/ok\n      - url: ${sink.url}/flaky\n`);
    const attempts: NotificationAttempt[] = [];
    const { d, alerts } = dispatcher(c, join(dir.path, 'a'), attempts);
    sink.failing.set('/flaky', 2);
    alerts.put(alert({ alertname: 'Split' }));
    await d.tick(0);
    await d.tick(1000); // sent: /ok takes it, /flaky fails
    await d.tick(2000); // /flaky retried after 1 s, fails again
    expect(d.pending).toBe(1);
    await d.tick(3000); // not yet: the second retry waits 2 s
    await d.tick(4000);
    expect(sink.on('/ok')).toHaveLength(1);
    expect(sink.on('/flaky')).toHaveLength(1);
    expect(d.pending).toBe(0);
    expect(attempts.map((a) => `${a.integration}:${a.outcome}:${a.attempt}@${a.time}`)).toEqual([
      'webhook/0:sent:1@1000', 'webhook/1:failed:1@1000', 'webhook/1:failed:2@2000', 'webhook/1:sent:3@4000',
    ]);
    expect(attempts[3]).toMatchObject({ receiver: 'r', status: 'firing', rules: ['Split'], error: '' });
    expect(attempts[1]!.error).toMatch(/answered 503/);
  });

  it('names the receiver and why when a receiver cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r)); // a port nothing listens on
    const c = config(`    webhook_configs:\n      - url: http://127.0.0.1:${port}/nothing-listens\n`);
    const attempts: NotificationAttempt[] = [];
    const errors: string[] = [];
    const alerts = new AlertStore();
    const d = new Dispatcher({ alerts, silences: new SilenceStore(join(dir.path, 'e.json')), config: () => c, externalURL: 'http://allseer', onError: (r, e) => errors.push(`${r}: ${e.message}`), record: (a) => attempts.push(a) });
    alerts.put(alert({ alertname: 'Nowhere' }));
    await d.tick(0);
    await d.tick(1000);
    expect(errors).toEqual([expect.stringMatching(/^r: webhook http:\/\/127\.0\.0\.1:\d+\/nothing-listens unreachable: .*ECONNREFUSED/) as unknown]);
    expect(attempts).toMatchObject([{ receiver: 'r', integration: 'webhook/0', outcome: 'failed', error: expect.stringContaining('ECONNREFUSED') as unknown }]);
  });

  it('keeps undelivered notifications on disk: a restart delivers them once', async () => {
    const c = config(`    webhook_configs:\n      - url: ${sink.url}/down\n`);
    const stateDir = join(dir.path, 'b');
    sink.failing.set('/down', 1000);
    const first = dispatcher(c, stateDir);
    first.alerts.put(alert({ alertname: 'Survivor' }));
    await first.d.tick(0);
    await first.d.tick(1000);
    expect(first.d.pending).toBe(1);
    expect(existsSync(join(stateDir, 'queue.json'))).toBe(true);
    // The process dies; the receiver comes back; a new process starts with the same state.
    sink.failing.delete('/down');
    const second = dispatcher(c, stateDir);
    expect(second.d.pending).toBe(1);
    second.alerts.put(alert({ alertname: 'Survivor' }));
    await second.d.tick(5000); // the queued notification goes out; the group was already notified
    await second.d.tick(7000);
    await second.d.tick(70_000);
    expect(sink.on('/down')).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(stateDir, 'queue.json'), 'utf8'))).toEqual([]);
    // And a third start sends nothing again.
    const third = dispatcher(c, stateDir);
    third.alerts.put(alert({ alertname: 'Survivor' }));
    await third.d.tick(80_000);
    await third.d.tick(81_000);
    expect(sink.on('/down')).toHaveLength(1);
  });

  it('replaces a waiting notification with the newer state of its group', async () => {
    const c = config(`    webhook_configs:\n      - url: ${sink.url}/later\n`);
    const attempts: NotificationAttempt[] = [];
    const { d, alerts } = dispatcher(c, join(dir.path, 'c'), attempts);
    sink.failing.set('/later', 1000);
    alerts.put(alert({ alertname: 'Flap', instance: 'x' }));
    await d.tick(0);
    await d.tick(1000);
    alerts.put(alert({ alertname: 'Flap', instance: 'x' }, 0, 30_000)); // resolved at 30 s
    sink.failing.delete('/later');
    await d.tick(61_000); // group_interval: the resolved state replaces the waiting firing one
    expect(sink.on('/later')).toHaveLength(1);
    expect(sink.on('/later')[0]!.body).toMatchObject({ status: 'resolved' });
    expect(attempts.map((a) => a.outcome)).toContain('dropped');
  });

  it('sends through an integration only the alerts its severities and matchers accept', async () => {
    const c = config(`    webhook_configs:
      - url: ${sink.url}/critical
        severities: [critical]
      - url: ${sink.url}/db
        matchers: ['team=~"db|storage"']
`);
    const { d, alerts } = dispatcher(c, join(dir.path, 'd'));
    alerts.put(alert({ alertname: 'A', severity: 'critical', team: 'web' }));
    alerts.put(alert({ alertname: 'B', severity: 'warning', team: 'db' }));
    alerts.put(alert({ alertname: 'C', severity: 'info', team: 'web' }));
    await d.tick(0);
    await d.tick(1000);
    const names = (path: string) => sink.on(path).flatMap((r) => (r.body as { alerts: { labels: { alertname: string } }[] }).alerts.map((a) => a.labels.alertname));
    expect(names('/critical')).toEqual(['A']);
    expect(names('/db')).toEqual(['B']);
    const bad = parseAmConfig(`route: { receiver: r }\nreceivers:\n  - name: r\n    webhook_configs: [{ url: 'http://x', matchers: ['team=~"('] , severities: critical }]\n`, 'am.yml');
    expect(bad.errors).toEqual(['am.yml: receiver "r": webhook_configs[0]: severities must be a list of strings']);
  });
});
