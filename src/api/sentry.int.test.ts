import * as Sentry from '@sentry/node';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// The real @sentry/node SDK pointed at the server's DSN: exceptions and messages arrive with
// their stack traces, breadcrumbs, tags, user, release and environment, grouped into issues
// that can be resolved (and regress).
let server: TestServer;
let port = '';

beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\nerrors:\n  metrics_interval: 500ms\n  projects:\n    - { id: "42", key: publickey, name: shop }\n');
  port = new URL(server.url).port;
  Sentry.init({ dsn: `http://publickey@127.0.0.1:${port}/42`, release: 'shop@1.2.3', environment: 'staging', serverName: 'web-1', defaultIntegrations: false, tracesSampleRate: 0 });
});
afterAll(async () => {
  await Sentry.close(2000);
  await server.cleanup();
});

type Issue = { project: string; fingerprint: string; title: string; culprit: string; level: string; count: number; users: number; releases: string[]; environments: string[]; status: string; regressed: boolean };
const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as { data: unknown } };
};
const issues = async (query = '') => (await get(`/api/v1/errors/issues?project=shop${query}`)).body.data as Issue[];

function charge(): never {
  throw new TypeError('card is undefined');
}

describe('Sentry SDK → error tracking', () => {
  it('receives exceptions and messages with everything the SDK attached, grouped into issues', async () => {
    Sentry.setUser({ id: 'u-1', email: 'ann@example.com', username: 'ann' });
    Sentry.setTag('region', 'eu');
    Sentry.addBreadcrumb({ category: 'cart', message: 'added item 42', level: 'info' });
    for (let i = 0; i < 2; i++) {
      try {
        charge();
      } catch (e) {
        Sentry.captureException(e, { tags: { flow: 'checkout' } });
      }
    }
    Sentry.captureMessage('payment retry 17 for order 9', { level: 'warning' });
    await Sentry.flush(5000);
    const found = await eventually(() => issues(), (r) => r.length === 2 && r.some((i) => i.count === 2), 'two issues');
    const error = found.find((i) => i.title === 'TypeError: card is undefined')!;
    expect(error).toMatchObject({ level: 'error', count: 2, users: 1, releases: ['shop@1.2.3'], environments: ['staging'], status: 'unresolved', regressed: false });
    expect(error.culprit).toContain('charge');
    const detail = (await get(`/api/v1/errors/issues/shop/${error.fingerprint}`)).body.data as { latestEvent: { user: Record<string, string>; tags: Record<string, string>; release: string; environment: string; event: { breadcrumbs: { message: string }[]; server_name: string; exception: { values: { stacktrace: { frames: { function?: string }[] } }[] } } } };
    expect(detail.latestEvent).toMatchObject({ release: 'shop@1.2.3', environment: 'staging', user: { id: 'u-1', email: 'ann@example.com', name: 'ann' }, tags: { region: 'eu', flow: 'checkout' } });
    expect(detail.latestEvent.event.server_name).toBe('web-1');
    expect(detail.latestEvent.event.breadcrumbs.map((b) => b.message)).toContain('added item 42');
    expect(detail.latestEvent.event.exception.values[0]!.stacktrace.frames.map((f) => f.function)).toContain('charge');
    const message = found.find((i) => i.title.startsWith('payment retry'))!;
    expect(message.level).toBe('warning');
    const events = (await get(`/api/v1/errors/issues/shop/${error.fingerprint}/events`)).body.data as unknown[];
    expect(events).toHaveLength(2);
    const hist = (await get(`/api/v1/errors/issues/shop/${error.fingerprint}/histogram?step=1h`)).body.data as { count: number }[];
    expect(hist.reduce((n, b) => n + b.count, 0)).toBe(2);
  });

  it('resolves, filters and regresses issues', async () => {
    const [error] = await issues('&q=card');
    expect(error!.title).toBe('TypeError: card is undefined');
    const res = await fetch(`${server.url}/api/v1/errors/issues/shop/${error!.fingerprint}/status`, { method: 'POST', body: JSON.stringify({ status: 'resolved', release: 'shop@1.2.3' }) });
    expect(res.status).toBe(200);
    expect((await issues('&status=resolved')).map((i) => i.fingerprint)).toEqual([error!.fingerprint]);
    expect((await issues('&status=unresolved')).map((i) => i.title)).toEqual([expect.stringMatching(/^payment retry/) as unknown]);
    await new Promise((r) => setTimeout(r, 20));
    try {
      charge();
    } catch (e) {
      Sentry.captureException(e);
    }
    await Sentry.flush(5000);
    const again = await eventually(() => issues('&q=card'), (r) => r[0]?.count === 3, 'the recurrence');
    expect(again[0]).toMatchObject({ status: 'unresolved', regressed: true });
    expect((await issues('&sort=count&limit=1'))[0]!.count).toBe(3);
    type Result = { metric: Record<string, string>; value: [number, string] }[];
    const regressed = await eventually(async () => ((await get(`/api/v1/query?query=${encodeURIComponent(`errors_regressions_total{issue="${error!.fingerprint}"}`)}`)).body.data as { result: Result }).result, (r) => r.length === 1, 'the regression series');
    expect(regressed[0]!.value[1]).toBe('1');
  });

  it('checks the DSN key and takes the store endpoint and gzip envelopes', async () => {
    const wrong = await fetch(`${server.url}/api/42/envelope/?sentry_key=nope`, { method: 'POST', body: '{}\n{"type":"event"}\n{}' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await fetch(`${server.url}/api/7/store/?sentry_key=publickey`, { method: 'POST', body: '{}' })).status).toBe(404);
    const store = await fetch(`${server.url}/api/42/store/`, { method: 'POST', headers: { 'X-Sentry-Auth': 'Sentry sentry_version=7, sentry_key=publickey' }, body: JSON.stringify({ message: 'stored directly 1', level: 'info', timestamp: Date.now() / 1000 }) });
    expect(store.status).toBe(200);
    const envelope = gzipSync('{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n{"type":"event"}\n{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","message":"zipped","level":"error"}\n{"type":"session"}\n{"sid":"x"}\n');
    const zipped = await fetch(`${server.url}/api/42/envelope/?sentry_key=publickey`, { method: 'POST', headers: { 'Content-Encoding': 'gzip' }, body: envelope });
    expect(await zipped.json()).toEqual({ id: '9ec79c33ec9942ab8353589fcb2e04dc' });
    await eventually(() => issues('&q=zipped'), (r) => r.length === 1, 'the gzip envelope');
    const bad = await fetch(`${server.url}/api/42/envelope/?sentry_key=publickey`, { method: 'POST', body: '{}\n{"type":"event"}\nnot json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_JSON', error: expect.stringContaining('event item is not a JSON object') as unknown });
  });

  it('applies severity rules, scrubs secrets, and counts errors as PromQL series', async () => {
    Sentry.withScope((scope) => {
      scope.setExtra('db_password', 'hunter2');
      scope.setExtra('note', 'card 4111 1111 1111 1111 declined');
      Sentry.captureException(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    });
    await Sentry.flush(5000);
    const [db] = await eventually(() => issues('&q=ECONNREFUSED'), (r) => r.length === 1, 'the connection error');
    expect(db!.level).toBe('critical');
    const detail = (await get(`/api/v1/errors/issues/shop/${db!.fingerprint}`)).body.data as { latestEvent: { event: { extra: Record<string, string> } } };
    expect(detail.latestEvent.event.extra).toEqual({ db_password: '[Filtered]', note: 'card [Filtered card] declined' });
    type Result = { metric: Record<string, string>; value: [number, string] }[];
    const query = async (q: string) => ((await get(`/api/v1/query?query=${encodeURIComponent(q)}`)).body.data as { result: Result }).result;
    const counted = await eventually(() => query(`errors_total{project="shop",issue="${db!.fingerprint}"}`), (r) => r.length === 1, 'errors_total');
    expect(counted[0]).toMatchObject({ metric: { service: 'shop', level: 'critical' }, value: [expect.any(Number), '1'] });
    const byLevel = await eventually(() => query('sum by (level) (errors_total{project="shop"})'), (r) => r.some((x) => x.metric.level === 'error' && Number(x.value[1]) >= 3), 'all counted');
    expect(byLevel.map((r) => r.metric.level).sort()).toEqual(expect.arrayContaining(['critical', 'error', 'warning']));
  });
});
