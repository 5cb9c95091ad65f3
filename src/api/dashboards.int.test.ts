import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.cleanup(); });

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  return { status: res.status, body: (await res.json()) as { status: string; data: Record<string, unknown> & { id: string; version: number }; error?: string; code?: string; problems?: string[] } };
};
const board = (title: string) => ({ title, time: { from: 'now-1h', to: 'now' }, widgets: [{ id: 'up', type: 'stat', title: 'Up', layout: { x: 0, y: 0, w: 3, h: 4 }, query: { kind: 'promql', expr: 'sum(up)' } }] });

describe('dashboards API', () => {
  it('starts with the default dashboards', async () => {
    const list = await call('GET', '/api/v1/dashboards');
    expect((list.body.data as unknown as { id: string; title: string; version: number }[]).map((d) => [d.id, d.title, d.version])).toEqual([
      ['business-metrics', 'Business Metrics', 1], ['error-tracking', 'Error Tracking', 1], ['performance', 'Performance', 1], ['system-overview', 'System Overview', 1],
    ]);
  });

  it('creates, saves new versions, refuses a save on an old version, keeps every version, and deletes', async () => {
    const created = await call('POST', '/api/v1/dashboards', board('Checkout'));
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect(id).toMatch(/^checkout-[0-9a-f]{6}$/);
    expect(created.body.data.version).toBe(1);
    const v2 = await call('PUT', `/api/v1/dashboards/${id}`, { version: 1, dashboard: board('Checkout v2') });
    expect(v2.body.data).toEqual({ id, version: 2 });
    const stale = await call('PUT', `/api/v1/dashboards/${id}`, { version: 1, dashboard: board('lost edit') });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CONFLICT', error: `dashboard ${id} is at version 2, not 1: it was saved since you loaded it` });
    const got = await call('GET', `/api/v1/dashboards/${id}`);
    expect(got.body.data).toMatchObject({ id, version: 2, title: 'Checkout v2', dashboard: board('Checkout v2') });
    expect((await call('GET', `/api/v1/dashboards/${id}?version=1`)).body.data.title).toBe('Checkout');
    const versions = await call('GET', `/api/v1/dashboards/${id}/versions`);
    expect((versions.body.data as unknown as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);

    expect((await call('DELETE', `/api/v1/dashboards/${id}`)).status).toBe(200);
    expect((await call('GET', `/api/v1/dashboards/${id}`)).status).toBe(404);
    expect((await call('GET', `/api/v1/dashboards/${id}?version=2`)).body.data.title).toBe('Checkout v2');
    expect((await call('GET', '/api/v1/dashboards')).body.data as unknown as { id: string }[]).not.toContainEqual(expect.objectContaining({ id }));
  });

  it('refuses an invalid dashboard naming every problem', async () => {
    const bad = await call('POST', '/api/v1/dashboards', { title: 'x', widgets: [{ id: 'a', type: 'pie', title: '', layout: { x: 0, y: 0, w: 1, h: 1 } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BAD_JSON');
    expect(bad.body.error).toContain('widgets.0.type');
    expect((await call('PUT', '/api/v1/dashboards/system-overview', { dashboard: board('x') })).body.error).toBe('the body is {"version": <the version you edited>, "dashboard": {…}}');
    expect((await call('GET', '/api/v1/dashboards/Bad%20Id')).status).toBe(400);
  });

  it('imports a Grafana dashboard', async () => {
    const res = await call('POST', '/api/v1/dashboards/import/grafana', { dashboard: { title: 'From Grafana', panels: [
      { type: 'timeseries', title: 'Rate', gridPos: { x: 0, y: 0, w: 24, h: 8 }, targets: [{ expr: 'sum(rate(http_requests_total[$__rate_interval]))' }] },
      { type: 'news', title: 'News' },
    ] } });
    expect(res.status).toBe(201);
    expect(res.body.data.skipped).toEqual(['News: panel type "news" is not supported']);
    const got = await call('GET', `/api/v1/dashboards/${res.body.data.id}`);
    expect(got.body.data.dashboard).toMatchObject({ title: 'From Grafana', widgets: [{ type: 'timeseries', layout: { x: 0, y: 0, w: 12, h: 8 }, query: { expr: 'sum(rate(http_requests_total[$__rate_interval]))' } }] });
    expect((await call('POST', '/api/v1/dashboards/import/grafana', { title: 'no panels' })).body).toMatchObject({ code: 'BAD_JSON', error: 'not a Grafana dashboard: no "panels"' });
  });
});
