import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tmp.js';
import { ChdbConnection } from './connection-chdb.js';
import { ClickHouseStorage } from './storage.js';

const dir = tempDir('dashboards');
const conn = new ChdbConnection({ path: dir.path, maxServerMemoryBytes: 1 << 30, maxQueryMemoryBytes: 512 << 20 });
const storage = new ClickHouseStorage(conn, { database: 'd1', mode: 'embedded', cluster: '', metricsRetentionSeconds: 7 * 86_400 });

beforeAll(async () => { await storage.migrate(); });
afterAll(async () => {
  await storage.close();
  dir.remove();
});

const version = (n: number, title: string, deleted = false) => ({ id: 'ops', version: n, title, spec: { title, widgets: [] }, updatedAt: 1_700_000_000_000 + n, deleted });

describe('dashboards store', () => {
  it('keeps every version, lists the newest of each, and hides deleted ones', async () => {
    await storage.saveDashboard('t', version(1, 'Ops'));
    await storage.saveDashboard('t', version(2, 'Ops v2'));
    await storage.saveDashboard('other', { ...version(1, 'Not yours'), id: 'mine' });
    expect(await storage.dashboards('t')).toEqual([{ id: 'ops', version: 2, title: 'Ops v2', deleted: false, updatedAt: 1_700_000_000_002 }]);
    expect((await storage.dashboard('t', 'ops'))?.spec).toEqual({ title: 'Ops v2', widgets: [] });
    expect((await storage.dashboard('t', 'ops', 1))?.title).toBe('Ops');
    await storage.saveDashboard('t', version(3, 'Ops v2', true));
    expect(await storage.dashboards('t')).toEqual([]);
    expect(await storage.dashboard('t', 'ops')).toBeUndefined();
    expect((await storage.dashboardVersions('t', 'ops')).map((v) => [v.version, v.deleted])).toEqual([[3, true], [2, false], [1, false]]);
  });

  it('drops a second save of the same version number (two servers saving at once): the first one stays', async () => {
    await storage.saveDashboard('t', { ...version(1, 'First'), id: 'race' });
    await storage.saveDashboard('t', { ...version(1, 'Second'), id: 'race' });
    expect((await storage.dashboardVersions('t', 'race')).map((v) => v.title)).toEqual(['First']);
  });
});
