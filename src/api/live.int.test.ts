import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer('batcher:\n  flush_interval: 50ms\n'); });
afterAll(async () => { await server.cleanup(); });

interface Message { type: string; widget?: string; widgets?: string[]; data?: { resultType: string; result: { value: [number, string] }[] }; error?: string }

/** A WebSocket client of /api/v1/live that keeps every message it got. */
async function connect(): Promise<{ ws: WebSocket; got: Message[] }> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/live`);
  const got: Message[] = [];
  ws.on('message', (d: Buffer) => { got.push(JSON.parse(d.toString()) as Message); });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return { ws, got };
}

const push = (value: number) => fetch(`${server.url}/api/v1/import`, { method: 'POST', body: JSON.stringify({ metric: { __name__: 'live_queue_depth' }, values: [value], timestamps: [Date.now()] }) });
const gauge = (name: string) => async () => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
const liveClients = gauge('allseer_live_clients');
const liveEvaluations = gauge('allseer_live_evaluations');

describe('live dashboards over WebSocket', () => {
  it('sends each widget\'s data, then only when it changed, and forgets clients that leave', async () => {
    expect((await push(3)).status).toBe(204);
    await eventually(async () => ((await (await fetch(`${server.url}/api/v1/query?query=live_queue_depth`)).json()) as { data: { result: unknown[] } }).data.result.length, (n) => n === 1, 'the sample');
    const created = await (await fetch(`${server.url}/api/v1/dashboards`, { method: 'POST', body: JSON.stringify({
      title: 'Live', refresh: '1s', widgets: [
        { id: 'depth', type: 'stat', title: 'Queue', layout: { x: 0, y: 0, w: 3, h: 3 }, query: { kind: 'promql', expr: 'sum(live_queue_depth)' } },
        { id: 'note', type: 'text', title: 'Note', layout: { x: 3, y: 0, w: 3, h: 3 }, text: 'hello' },
      ],
    }) })).json() as { data: { id: string } };

    const { ws, got } = await connect();
    expect(await liveClients()).toBe(1);
    ws.send(JSON.stringify({ type: 'subscribe', dashboard: created.data.id, from: 'now-1h', to: 'now' }));
    await eventually(() => Promise.resolve(got.filter((m) => m.type === 'data').length), (n) => n === 1, 'the first data');
    expect(got[0]).toEqual({ type: 'subscribed', widgets: ['depth'] });
    expect(got[1]!.data!.result[0]!.value[1]).toBe('3');
    // Three more refreshes with the same value send nothing.
    await new Promise((r) => setTimeout(r, 3200));
    expect(got.filter((m) => m.type === 'data')).toHaveLength(1);
    expect((await push(8)).status).toBe(204);
    await eventually(() => Promise.resolve(got.filter((m) => m.type === 'data').length), (n) => n === 2, 'the changed value', { timeoutMs: 10_000 });
    expect(got.at(-1)!.data!.result[0]!.value[1]).toBe('8');

    ws.close();
    await eventually(liveClients, (n) => n === 0, 'the closed client to be dropped');
  });

  it('shares one evaluation between clients watching the same widget, and stops it when the last one leaves', async () => {
    const spec = { title: 'Shared', refresh: '1s', widgets: [
      { id: 'a', type: 'stat', title: 'A', layout: { x: 0, y: 0, w: 3, h: 3 }, query: { kind: 'promql', expr: 'sum(live_queue_depth)' } },
    ] };
    const first = await connect();
    first.ws.send(JSON.stringify({ type: 'subscribe', spec, from: 'now-1h', to: 'now' }));
    await eventually(() => Promise.resolve(first.got.filter((m) => m.type === 'data').length), (n) => n === 1, 'the first client\'s data');
    // A second client on another dashboard with the same query gets the latest result at once, from the same evaluation.
    const second = await connect();
    second.ws.send(JSON.stringify({ type: 'subscribe', spec: { ...spec, title: 'Other', widgets: [{ ...spec.widgets[0], id: 'b', title: 'B' }] }, from: 'now-1h', to: 'now' }));
    await eventually(() => Promise.resolve(second.got.filter((m) => m.type === 'data').length), (n) => n === 1, 'the second client\'s data', { timeoutMs: 500 });
    expect(second.got.find((m) => m.type === 'data')!.widget).toBe('b');
    expect(await liveEvaluations()).toBe(1);
    first.ws.close();
    await eventually(liveClients, (n) => n === 1, 'one client left');
    expect(await liveEvaluations()).toBe(1);
    second.ws.close();
    await eventually(liveEvaluations, (n) => n === 0, 'the evaluation to stop');
  });

  it('refuses a connection with a malformed tenant instead of serving the default tenant', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/live`, { headers: { 'X-Scope-OrgID': 'not a tenant!' } });
    const got: string[] = [];
    ws.on('message', (d: Buffer) => { got.push(d.toString()); });
    const code = await new Promise<number>((resolve) => { ws.once('close', resolve); });
    expect(code).toBe(1008);
    expect(JSON.parse(got[0]!)).toEqual({ type: 'error', error: 'invalid tenant id in X-Scope-OrgID: must match ^[A-Za-z0-9_.-]{1,64}$' });
  });

  it('answers bad subscriptions with an error naming the problem', async () => {
    const { ws, got } = await connect();
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'subscribe', dashboard: 'no-such-board' }));
    ws.send(JSON.stringify({ type: 'subscribe', spec: { title: 'x', widgets: [{ id: 'a' }] } }));
    await eventually(() => Promise.resolve(got.length), (n) => n === 3, 'three errors');
    expect(got.map((m) => m.error).sort()).toEqual([
      'a message is JSON: {"type":"subscribe",…} or {"type":"unsubscribe"}',
      'dashboard no-such-board not found',
      'invalid dashboard: widgets.0: must have required properties type, title, layout',
    ]);
    ws.close();
  });
});
