import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild, stopChild } from '../../test/child-server.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';
import { eventually } from '../../test/wait.js';

// The real posthog-node and @segment/analytics-node clients send events; trends, active users,
// funnels (with an anonymous visitor identified midway) and retention come back from ClickHouse.
let server: TestServer;
const DAY = 86_400_000;
const base = Math.floor(Date.now() / DAY) * DAY - 14 * DAY + 10 * 3_600_000;
const at = (days: number, hours = 0) => new Date(base + days * DAY + hours * 3_600_000);

beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\n');
  const posthog = new PostHog('phc_testkey', { host: server.url, flushAt: 50, flushInterval: 0 });
  const send = (distinctId: string, event: string, when: Date, properties: Record<string, unknown> = {}) => { posthog.capture({ distinctId, event, timestamp: when, properties }); };
  send('u1', 'signup', at(0), { plan: 'pro', utm: { source: 'ads' }, password: 'hunter2', card: '4111 1111 1111 1111' });
  send('u1', 'add_to_cart', at(0, 1));
  send('u1', 'purchase', at(0, 2), { amount: 30 });
  send('u2', 'signup', at(0), { plan: 'free' });
  send('u2', 'add_to_cart', at(0, 2));
  send('u3', 'signup', at(7), { plan: 'free' });
  send('anon-9', 'signup', at(7), { plan: 'pro' });
  posthog.identify({ distinctId: 'u4', properties: { email: 'u4@example.com', $anon_distinct_id: 'anon-9' } });
  send('u4', 'purchase', at(7, 1), { amount: 50 });
  send('u1', '$pageview', at(13), { $current_url: '/pricing' });
  await posthog.shutdown();
  const segment = new Analytics({ writeKey: 'wk_test', host: server.url });
  segment.track({ userId: 's1', event: 'signup', timestamp: at(7, 3), properties: { plan: 'pro' } });
  segment.identify({ userId: 's1', anonymousId: 'anon-s', traits: { name: 'Sam' } });
  segment.page({ anonymousId: 'anon-s', name: 'Home', timestamp: at(7, 4), properties: { path: '/' } });
  await segment.closeAndFlush();
});
afterAll(async () => { await server.cleanup(); });

const range = `start=${Math.floor((base - DAY) / 1000)}&end=${Math.floor(Date.now() / 1000) + 60}`;
const get = async (path: string) => ((await (await fetch(`${server.url}${path}`)).json()) as { data: unknown }).data;

describe('product analytics', () => {
  it('counts events and people per interval, with breakdowns and filters', async () => {
    type Point = { time: number; breakdown: string; value: number };
    const signups = await eventually(async () => (await get(`/api/v1/analytics/trend?event=signup&interval=week&measure=count&${range}`)) as Point[], (r) => r.reduce((n, p) => n + p.value, 0) === 5, 'five signups');
    expect(signups.reduce((n, p) => n + p.value, 0)).toBe(5);
    const byPlan = (await get(`/api/v1/analytics/trend?event=signup&interval=month&measure=users&breakdown=plan&${range}`)) as Point[];
    const plans = new Map<string, number>();
    for (const p of byPlan) plans.set(p.breakdown, (plans.get(p.breakdown) ?? 0) + p.value);
    expect(Object.fromEntries(plans)).toEqual({ free: 2, pro: 3 });
    const nested = (await get(`/api/v1/analytics/trend?event=signup&interval=month&filter=${encodeURIComponent('utm.source=ads')}&${range}`)) as Point[];
    expect(nested.reduce((n, p) => n + p.value, 0)).toBe(1);
    const revenue = (await get(`/api/v1/analytics/trend?event=purchase&interval=month&measure=sum&property=amount&${range}`)) as Point[];
    expect(revenue.reduce((n, p) => n + p.value, 0)).toBe(80);
    const big = (await get(`/api/v1/analytics/trend?event=purchase&interval=month&filter=${encodeURIComponent('amount>40')}&${range}`)) as Point[];
    expect(big.reduce((n, p) => n + p.value, 0)).toBe(1);
    const dau = (await get(`/api/v1/analytics/active-users?interval=day&${range}`)) as Point[];
    expect(dau.find((p) => p.time === base - 10 * 3_600_000)?.value).toBe(2);
  });

  it('answers funnels with conversion, counting an identified visitor as one person', async () => {
    type Funnel = { breakdown: string; medianSecondsToConvert: number | null; steps: { event: string; count: number; conversion: number; dropOff: number }[] }[];
    const post = async (body: unknown) => ((await (await fetch(`${server.url}/api/v1/analytics/funnel`, { method: 'POST', body: JSON.stringify(body) })).json()) as { data: Funnel }).data;
    const start = Math.floor((base - DAY) / 1000);
    const three = await post({ steps: [{ event: 'signup' }, { event: 'add_to_cart' }, { event: 'purchase' }], window: '1d', start });
    expect(three[0]!.steps.map((s) => s.count)).toEqual([5, 2, 1]);
    expect(three[0]!.steps[2]).toMatchObject({ conversion: 0.2, dropOff: 1 });
    expect(three[0]).toMatchObject({ medianSecondsToConvert: 7200 }); // u1: signup, then purchase 2 hours later
    const two = await post({ steps: [{ event: 'signup' }, { event: 'purchase' }], window: '1d', start, breakdown: 'plan' });
    expect(Object.fromEntries(two.map((f) => [f.breakdown, f.steps.map((s) => s.count)]))).toEqual({ free: [2, 0], pro: [3, 2] });
    const filtered = await post({ steps: [{ event: 'signup', filters: ['plan=free'] }, { event: 'add_to_cart' }], windowSeconds: 3600, start });
    expect(filtered[0]!.steps.map((s) => s.count)).toEqual([2, 0]);
    const bad = await fetch(`${server.url}/api/v1/analytics/funnel`, { method: 'POST', body: JSON.stringify({ steps: [{ event: 'x' }] }) });
    expect(bad.status).toBe(400);
  });

  it('answers retention cohorts', async () => {
    type Cohort = { cohort: number; size: number; returned: number[]; rates: number[] };
    const cohorts = (await get(`/api/v1/analytics/retention?start_event=signup&return_event=add_to_cart&period=day&periods=3&${range}`)) as Cohort[];
    const first = cohorts.find((c) => c.cohort === base - 10 * 3_600_000)!;
    expect(first).toMatchObject({ size: 2, returned: [2, 0, 0], rates: [1, 0, 0] });
    expect(cohorts.reduce((n, c) => n + c.size, 0)).toBe(5);
  });

  it('refuses bad events with their reasons and keeps the rest', async () => {
    const res = await fetch(`${server.url}/batch/`, { method: 'POST', body: JSON.stringify({ api_key: 'k', batch: [{ event: 'ok', distinct_id: 'z', properties: {} }, { distinct_id: 'z' }, { event: 'old', distinct_id: 'z', timestamp: '2001-01-01T00:00:00Z' }] }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 1, rejected: 2, errors: ['event 1: missing event name', expect.stringContaining('old of z: timestamp 2001-01-01T00:00:00.000Z is older') as unknown] });
    const none = await fetch(`${server.url}/v1/track`, { method: 'POST', body: JSON.stringify({ event: 'x' }) });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ code: 'SAMPLES_REJECTED', error: expect.stringContaining('missing userId or anonymousId') as unknown });
    expect((await fetch(`${server.url}/batch/`, { method: 'POST', body: '{nope' })).status).toBe(400);
  });

  it('gives the same answers for a tenant without identify merges (no person join)', async () => {
    const h = { 'X-Scope-OrgID': 'plain' };
    const batch = [['a', 'signup', 0], ['a', 'purchase', 1], ['b', 'signup', 0], ['c', 'signup', 1], ['c', 'purchase', 9]].map(([id, event, hours]) => ({ event, distinct_id: id, timestamp: at(0, hours as number).toISOString() }));
    expect((await fetch(`${server.url}/batch`, { method: 'POST', headers: h, body: JSON.stringify({ batch }) })).status).toBe(200);
    const post = async (body: unknown) => ((await (await fetch(`${server.url}/api/v1/analytics/funnel`, { method: 'POST', headers: h, body: JSON.stringify(body) })).json()) as { data: { steps: { count: number }[] }[] }).data;
    const funnel = await eventually(() => post({ steps: [{ event: 'signup' }, { event: 'purchase' }], window: '1h', start: Math.floor((base - DAY) / 1000) }), (r) => r[0]?.steps[0]?.count === 3, 'the plain tenant');
    expect(funnel[0]!.steps.map((x) => x.count)).toEqual([3, 1]);
    const users = (await (await fetch(`${server.url}/api/v1/analytics/active-users?interval=month&${range}`, { headers: h })).json()) as { data: { value: number }[] };
    expect(users.data.reduce((n, p) => n + p.value, 0)).toBe(3);
    const cohorts = (await (await fetch(`${server.url}/api/v1/analytics/retention?start_event=signup&return_event=purchase&period=day&periods=2&${range}`, { headers: h })).json()) as { data: { size: number; returned: number[] }[] };
    expect(cohorts.data).toEqual([expect.objectContaining({ size: 3, returned: [2, 0] })]);
  });

  it('answers journeys, paths, feature usage and stickiness', async () => {
    type Step = { event: string; session: number; time: number };
    const journey = (await get(`/api/v1/analytics/journey?distinct_id=anon-9&${range}`)) as Step[];
    expect(journey.map((j) => j.event)).toEqual(['signup', 'purchase', '$identify']); // the anonymous visitor's whole journey as u4 (identify sent last, at arrival time)
    const u1 = (await get(`/api/v1/analytics/journey?distinct_id=u1&${range}`)) as (Step & { properties: Record<string, unknown> })[];
    expect(u1[0]!.properties).toMatchObject({ password: '[Filtered]', card: '[Filtered card]', plan: 'pro' }); // scrubbed before storage
    expect(u1.map((j) => `${j.event}#${j.session}`)).toEqual(['signup#1', 'add_to_cart#2', 'purchase#3', '$pageview#4']);
    const after = (await get(`/api/v1/analytics/paths?event=signup&steps=2&${range}`)) as { path: string[]; people: number }[];
    expect(after).toEqual(expect.arrayContaining([{ path: ['add_to_cart', 'purchase'], people: 1 }, { path: ['add_to_cart'], people: 1 }]));
    const before = (await get(`/api/v1/analytics/paths?event=purchase&direction=before&steps=2&${range}`)) as { path: string[]; people: number }[];
    expect(before).toEqual(expect.arrayContaining([{ path: ['signup', 'add_to_cart'], people: 1 }]));
    const features = (await get(`/api/v1/analytics/features?event=add_to_cart,purchase&${range}`)) as { event: string; uses: number; users: number; adoption: number }[];
    expect(features.map((f) => [f.event, f.uses, f.users])).toEqual([['add_to_cart', 2, 2], ['purchase', 2, 2]]);
    expect(features[0]!.adoption).toBeCloseTo(2 / 6);
    const sticky = (await get(`/api/v1/analytics/stickiness?event=signup&${range}`)) as { periods: number; people: number }[];
    expect(sticky).toEqual([{ periods: 1, people: 5 }]);
  });
});

describe('capture without decode workers (ingest.decode_workers: 0)', () => {
  it('parses, refuses and stores on the main thread alike', async () => {
    // Its own process: one chDB per process.
    const dir = tempDir('capture-local');
    const config = join(dir.path, 'allseer.yml');
    writeFileSync(config, 'batcher:\n  flush_interval: 50ms\ningest:\n  decode_workers: 0\n');
    const local = await startChild(join(dir.path, 'data'), ['--config', config]);
    try {
      const batch = [{ event: 'signup', distinct_id: 'm1', timestamp: at(1).toISOString(), properties: { password: 'x' } }, { distinct_id: 'm2' }];
      const res = await fetch(`${local.url}/batch/`, { method: 'POST', body: JSON.stringify({ api_key: 'k', batch }) });
      expect(await res.json()).toEqual({ status: 1, rejected: 1, errors: ['event 1: missing event name'] });
      expect((await fetch(`${local.url}/batch/`, { method: 'POST', body: '{nope' })).status).toBe(400);
      const users = () => fetch(`${local.url}/api/v1/analytics/active-users?interval=month&${range}`).then(async (r) => ((await r.json()) as { data: { value: number }[] }).data);
      const got = await eventually(users, (d) => d.some((p) => p.value > 0), 'the event stored');
      expect(got.reduce((n, p) => n + p.value, 0)).toBe(1);
    } finally {
      await stopChild(local, 'SIGTERM');
      dir.remove();
    }
  });
});
