/**
 * `npm run bench:analytics`: product analytics capture and queries. Generates BENCH_EVENTS
 * (default 1,000,000; the issue's full run is 10,000,000) events for BENCH_EVENTS / 100 users over
 * 90 days — page views, signups, add-to-cart, checkouts, purchases with plan, country and amount —
 * sends them as PostHog `/batch` JSON (1,000 events per request, 4 concurrent senders) to a fresh
 * allseer, and prints events/s, CPU, RSS, bytes/event, and the median latency (through the HTTP
 * API) of a 4-step funnel, weekly retention over 12 weeks, a daily trend broken down by country,
 * and DAU over 90 days.
 */
import { fmt, ingestAndSettle, latency, rng, tableBytes, withDataDir } from './events.js';
import { startOurs, stop } from './targets.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const USERS = Math.max(1000, Math.floor(EVENTS / 100));
const PER_REQUEST = 1000;
const SENDERS = 4;
const DAY = 86_400_000;
const KINDS: [string, number][] = [['pageview', 0.5], ['signup', 0.05], ['add_to_cart', 0.2], ['checkout', 0.15], ['purchase', 0.1]];
const COUNTRIES = ['us', 'de', 'fr', 'jp', 'br', 'in', 'gb', 'ca'];

function workload(): { bodies: Buffer[]; start: number; end: number } {
  const r = rng(11);
  const end = Date.now();
  const start = end - 90 * DAY;
  const bodies: Buffer[] = [];
  let batch: unknown[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const user = Math.floor(r() * USERS);
    let x = r();
    const kind = KINDS.find(([, p]) => (x -= p) < 0)?.[0] ?? 'pageview';
    const t = start + Math.floor(r() * 90 * DAY);
    batch.push({
      event: kind, distinct_id: `user-${user}`, timestamp: new Date(t).toISOString(),
      properties: { plan: user % 3 === 0 ? 'pro' : 'free', country: COUNTRIES[user % COUNTRIES.length], ...(kind === 'purchase' ? { amount: 10 + (user % 90) } : {}), $session_id: `s-${user}-${Math.floor(t / 3_600_000)}` },
    });
    if (batch.length === PER_REQUEST) {
      bodies.push(Buffer.from(JSON.stringify({ api_key: 'bench', batch })));
      batch = [];
    }
  }
  if (batch.length > 0) bodies.push(Buffer.from(JSON.stringify({ api_key: 'bench', batch })));
  return { bodies, start, end };
}

async function main(): Promise<void> {
  const g0 = performance.now();
  const { bodies, start, end } = workload();
  const wire = bodies.reduce((n, b) => n + b.length, 0);
  console.log(`workload: ${EVENTS.toLocaleString('en-US')} events of ${USERS.toLocaleString('en-US')} users over 90 days in ${bodies.length} PostHog /batch requests (${(wire / 1048576).toFixed(0)} MiB JSON), ${SENDERS} senders; generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
  await withDataDir('analytics', async (dir) => {
    const target = await startOurs(dir);
    const ingest = await ingestAndSettle(target, `${target.baseUrl}/batch`, bodies, EVENTS, SENDERS);
    const base = target.baseUrl;
    const range = `start=${Math.floor(start / 1000) - 60}&end=${Math.ceil(end / 1000) + 60}`;
    const call = async (path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { data: unknown }).data;
    };
    const queries: [string, () => Promise<unknown>][] = [
      ['4-step funnel, 7-day window (ms)', () => call('/api/v1/analytics/funnel', { steps: [{ event: 'signup' }, { event: 'add_to_cart' }, { event: 'checkout' }, { event: 'purchase' }], window: '7d', start: Math.floor(start / 1000) - 60, end: Math.ceil(end / 1000) + 60 })],
      ['weekly retention, 12 weeks (ms)', () => call(`/api/v1/analytics/retention?start_event=signup&return_event=pageview&period=week&periods=12&${range}`)],
      ['daily trend by country (ms)', () => call(`/api/v1/analytics/trend?event=pageview&interval=day&breakdown=country&${range}`)],
      ['DAU over 90 days (ms)', () => call(`/api/v1/analytics/active-users?interval=day&${range}`)],
    ];
    const funnel = (await queries[0]![1]()) as { steps: { count: number }[] }[];
    const ms: number[] = [];
    for (const [, f] of queries) ms.push(await latency(f, 3));
    await stop(target.proc);
    const bytes = await tableBytes(dir, ['events']);
    console.log(`\nfunnel people per step: ${funnel[0]?.steps.map((s) => s.count).join(' → ') ?? '-'}${ingest.failed ? `; ${ingest.failed} failed requests` : ''}`);
    console.log('\n| | allseer | target (issue) |');
    console.log('|---|---|---|');
    console.log(`| events/s (acked) | ${fmt(ingest.ackedPerSec)} | ≥ 100,000 |`);
    console.log(`| events/s (stored) | ${fmt(ingest.storedPerSec)} | |`);
    console.log(`| CPU-s per 1M events | ${fmt(ingest.cpuPerMillion, 2)} | |`);
    console.log(`| peak RSS MiB | ${fmt(ingest.peakRssMiB)} | |`);
    console.log(`| bytes/event on disk | ${fmt((bytes.events ?? 0) / EVENTS, 1)} | |`);
    queries.forEach(([label], i) => { console.log(`| ${label} | ${fmt(ms[i]!, 1)} | ≤ 1,000 |`); });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
