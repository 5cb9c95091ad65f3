import { describe, expect, it } from 'vitest';
import type { DashboardsStorage, DashboardVersion } from '../storage/interface.js';
import { dashboardHandlers, dashboardId } from './dashboard-handlers.js';
import type { ApiRequest } from './types.js';

/** Versions in memory; a second save of a version number is dropped (as the ClickHouse table's deduplication does). `stale` hides the newest version from "latest" reads, as a slow replica would. */
class MemoryStore implements DashboardsStorage {
  readonly rows: DashboardVersion[] = [];
  stale = false;
  dashboards(): Promise<Omit<DashboardVersion, 'spec'>[]> { return Promise.resolve([]); }
  dashboard(_t: string, id: string, version?: number): Promise<DashboardVersion | undefined> {
    const mine = this.rows.filter((r) => r.id === id).sort((a, b) => b.version - a.version);
    if (version !== undefined) return Promise.resolve(mine.find((r) => r.version === version));
    return Promise.resolve(this.stale ? mine[1] : mine[0]);
  }
  dashboardVersions(_t: string, id: string): Promise<Omit<DashboardVersion, 'spec'>[]> { return Promise.resolve(this.rows.filter((r) => r.id === id)); }
  saveDashboard(_t: string, v: DashboardVersion): Promise<void> {
    if (!this.rows.some((r) => r.id === v.id && r.version === v.version)) this.rows.push(v);
    return Promise.resolve();
  }
}

const board = (title: string) => ({ title, widgets: [] });
const put = (id: string, body: unknown): ApiRequest => ({ tenant: 't', params: { id }, query: new Map(), headers: {}, body: Buffer.from(JSON.stringify(body)) });

describe('dashboard handlers', () => {
  it('makes ids from titles', () => {
    expect(dashboardId('Checkout — EU / prod')).toMatch(/^checkout-eu-prod-[0-9a-f]{6}$/);
    expect(dashboardId('!!!')).toMatch(/^dashboard-[0-9a-f]{6}$/);
  });

  it('refuses a save whose version another server stored at the same moment', async () => {
    const store = new MemoryStore();
    const h = dashboardHandlers({ store, now: () => 1000 });
    store.rows.push({ id: 'ops', version: 1, title: 'Ops', spec: board('Ops'), updatedAt: 1, deleted: false });
    store.rows.push({ id: 'ops', version: 2, title: 'Theirs', spec: board('Theirs'), updatedAt: 2, deleted: false });
    store.stale = true; // this server has not seen version 2 yet
    await expect(h.update(put('ops', { version: 1, dashboard: board('Mine') }))).rejects.toMatchObject({ code: 'CONFLICT', message: 'dashboard ops version 2 was saved by someone else at the same moment: load it again and save on top of it' });
    expect(store.rows.map((r) => r.title)).toEqual(['Ops', 'Theirs']);
    store.stale = false;
    expect(await h.update(put('ops', { version: 2, dashboard: board('Mine') }))).toMatchObject({ body: { data: { id: 'ops', version: 3 } } });
  });
});
