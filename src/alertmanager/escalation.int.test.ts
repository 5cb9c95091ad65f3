import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSink } from '../../test/http-sink.js';
import { tempDir } from '../../test/tmp.js';
import { AckStore } from './acks.js';
import { parseAmConfig, type AmConfig } from './config.js';
import { Dispatcher } from './dispatch.js';
import { AlertStore, fingerprint, SilenceStore } from './store.js';

// Time intervals, escalation with acknowledgement, and cooldowns, against a real local receiver
// with the clock in the test's hands.
const dir = tempDir('escalation');
let sink: Awaited<ReturnType<typeof httpSink>>;
beforeAll(async () => { sink = await httpSink(); });
afterAll(async () => {
  await sink.close();
  dir.remove();
});

const MIN = 60_000;
type Body = { status: string; alerts: { status: string; labels: Record<string, string> }[] };
const bodies = (path: string) => sink.on(path).map((r) => r.body as Body);
const summary = (path: string) => bodies(path).map((b) => b.alerts.map((a) => `${a.labels.instance ?? a.labels.alertname}:${a.status}`).sort().join(','));

function setup(yaml: string, name: string) {
  const { config, errors } = parseAmConfig(yaml.replaceAll('SINK', sink.url), 'am.yml');
  expect(errors).toEqual([]);
  const alerts = new AlertStore();
  const acks = new AckStore(join(dir.path, `${name}-acks.json`));
  const d = new Dispatcher({ alerts, acks, silences: new SilenceStore(join(dir.path, `${name}.json`)), config: () => config as AmConfig, externalURL: 'http://allseer', onError: () => undefined });
  return { d, alerts, acks };
}

describe('time intervals on routes', () => {
  it('mutes a route in its mute intervals and sends when they end; sends only in active intervals', async () => {
    const { d, alerts } = setup(`route:
  receiver: r
  group_wait: 1s
  group_interval: 1m
  routes:
    - { matchers: ['team="night"'], receiver: night, mute_time_intervals: [weekend] }
    - { matchers: ['team="day"'], receiver: day, active_time_intervals: [office] }
time_intervals:
  - name: weekend
    time_intervals: [{ weekdays: [saturday, sunday] }]
  - name: office
    time_intervals: [{ times: [{ start_time: '09:00', end_time: '17:00' }], location: 'UTC' }]
receivers:
  - { name: r }
  - { name: night, webhook_configs: [{ url: 'SINK/night' }] }
  - { name: day, webhook_configs: [{ url: 'SINK/day' }] }
`, 'ti');
    const sunday = Date.parse('2026-11-29T23:58:00Z');
    alerts.put({ labels: { alertname: 'Backup', team: 'night' }, annotations: {}, startsAt: sunday, endsAt: sunday + 600 * MIN, updatedAt: sunday, generatorURL: '' });
    alerts.put({ labels: { alertname: 'Queue', team: 'day' }, annotations: {}, startsAt: sunday, endsAt: sunday + 700 * MIN, updatedAt: sunday, generatorURL: '' });
    for (let t = sunday; t <= sunday + 3 * MIN; t += 1000) await d.tick(t);
    expect(bodies('/night')).toHaveLength(1); // Sunday muted; sent at the first flush on Monday
    expect(bodies('/day')).toHaveLength(0); // Monday 00:0x is outside office hours
    const nine = Date.parse('2026-11-30T09:00:00Z');
    await d.tick(nine - 1000);
    expect(bodies('/day')).toHaveLength(0);
    await d.tick(nine + MIN); // the next group_interval flush inside office hours
    expect(bodies('/day')).toHaveLength(1);
  });

  it('refuses undefined intervals and intervals on the root route', () => {
    const bad = parseAmConfig(`route:
  receiver: r
  mute_time_intervals: [x]
  routes:
    - { receiver: r, active_time_intervals: [nope] }
receivers: [{ name: r }]
`, 'am.yml');
    expect(bad.errors).toEqual([
      'am.yml:2:3: root route must not have any mute or active time intervals',
      'am.yml:3:24: undefined time interval "x" used in route',
      'am.yml:5:45: undefined time interval "nope" used in route',
    ]);
  });
});

describe('escalation and acknowledgement', () => {
  it('escalates firing alerts nobody acknowledged, and sends their resolution there too', async () => {
    const { d, alerts, acks } = setup(`route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
  repeat_interval: 1h
  escalations:
    - { after: 10m, receiver: manager }
    - { after: 30m, receiver: director }
receivers:
  - { name: team, webhook_configs: [{ url: 'SINK/team' }] }
  - { name: manager, webhook_configs: [{ url: 'SINK/manager' }] }
  - { name: director, webhook_configs: [{ url: 'SINK/director' }] }
`, 'esc');
    const down = (instance: string, endsAt = 600 * MIN) => { alerts.put({ labels: { alertname: 'Down', instance }, annotations: {}, startsAt: 0, endsAt, updatedAt: 0, generatorURL: '' }); };
    down('a');
    down('b');
    await d.tick(0);
    await d.tick(1000);
    expect(summary('/team')).toEqual(['a:firing,b:firing']);
    acks.put({ fingerprint: fingerprint({ alertname: 'Down', instance: 'a' }), startsAt: 0, by: 'alice', comment: 'on it', at: 5 * MIN });
    await d.tick(10 * MIN - 1000);
    expect(summary('/manager')).toEqual([]);
    await d.tick(10 * MIN);
    expect(summary('/manager')).toEqual(['b:firing']); // a was acknowledged
    down('b', 20 * MIN);
    await d.tick(20 * MIN + 1000);
    expect(summary('/manager')).toEqual(['b:firing', 'b:resolved']);
    await d.tick(40 * MIN);
    expect(summary('/director')).toEqual([]); // b resolved before 30 minutes, a is acknowledged
  });
});

describe('cooldown', () => {
  it('keeps an alert that fires again within its cooldown out of notifications, and stretches repeats', async () => {
    const { d, alerts } = setup(`route:
  receiver: team
  group_wait: 1s
  group_interval: 1m
  repeat_interval: 1h
receivers:
  - { name: team, webhook_configs: [{ url: 'SINK/cool' }] }
`, 'cool');
    const flap = (startsAt: number, endsAt: number) => { alerts.put({ labels: { alertname: 'Flappy' }, annotations: { cooldown: '30m' }, startsAt, endsAt, updatedAt: startsAt, generatorURL: '' }); };
    const run = async (from: number, to: number) => { for (let t = from; t <= to; t += 30_000) await d.tick(t); };
    flap(0, 2 * MIN);
    await run(0, 4 * MIN);
    expect(summary('/cool')).toEqual(['Flappy:firing', 'Flappy:resolved']);
    flap(5 * MIN, 7 * MIN); // fires again 5 minutes after the last firing notification
    await run(5 * MIN, 10 * MIN);
    expect(summary('/cool')).toEqual(['Flappy:firing', 'Flappy:resolved']);
    flap(40 * MIN, 1000 * MIN); // after the cooldown: notified, and repeated no sooner than 1h
    await run(40 * MIN, 40 * MIN + 61 * MIN);
    expect(summary('/cool')).toEqual(['Flappy:firing', 'Flappy:resolved', 'Flappy:firing', 'Flappy:firing']);
  });
});
