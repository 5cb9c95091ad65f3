import { createChdbConnection } from 'chdb/connection';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tmp.js';
import { ServerConnection } from './connection-server.js';
import { AlertHistory } from './alert-history.js';
import { migrate } from './migrate.js';
import { param, render, sql } from './sql.js';

// The server-mode connection is @clickhouse/client. Pointed at chDB through `chdb/connection`,
// the same client code path creates the schema and runs parameterised queries. (Its RowBinary
// insert needs a real server: chdb/connection turns bodies into strings; text JSONEachRow inserts work.)
const dir = tempDir('client');
const conn = new ServerConnection({
  url: 'http://unused', username: 'default', password: '', maxQueryMemoryBytes: 256 << 20,
  connection: createChdbConnection({ path: dir.path }) as unknown as ConstructorParameters<typeof ServerConnection>[0]['connection'],
});

afterAll(async () => {
  await conn.close();
  dir.remove();
});

describe('ServerConnection (@clickhouse/client)', () => {
  it('applies migrations idempotently and answers parameterised queries in every read format', async () => {
    const o = { database: 'srv', mode: 'server' as const, cluster: '', metricsRetentionSeconds: 86_400 };
    expect(await migrate(conn, o)).toEqual([1, 2]);
    expect(await migrate(conn, o)).toEqual([]);
    const q = render(sql`SELECT name FROM system.tables WHERE database = ${param('String', 'srv')} ORDER BY name`);
    expect((await conn.query(q, 'TabSeparated')).toString()).toBe('alert_events\nmetadata\nnotification_log\nsamples\nschema_migrations\nseries\n');
    expect((await conn.query(q, 'JSONEachRow')).toString().split('\n')[0]).toBe('{"name":"alert_events"}');
  });
  it('writes and reads the alerting history (JSONEachRow inserts through the client)', async () => {
    const h = new AlertHistory(conn, 'srv');
    const T0 = Date.now() - 3_600_000;
    const ev = (time: number, rule: string, state: 'firing' | 'resolved', labels: Record<string, string>) => ({
      time: T0 + time, rule, group: 'g', fingerprint: `fp-${rule}`, labels: { alertname: rule, ...labels }, state, previous: state === 'firing' ? 'pending' : 'firing', value: state === 'firing' ? Number.NaN : 0.5, activeAt: T0, source: 'rule' as const,
    });
    const events = [ev(1000, 'A', 'firing', { team: 'db' }), ev(5000, 'A', 'resolved', { team: 'db' }), { ...ev(2000, 'B', 'firing', { team: 'web' }), value: -Infinity }];
    await h.writeAlertEvents('default', events, 'tok');
    await h.writeAlertEvents('default', events, 'tok'); // a retry with the same token stores nothing twice
    await h.writeAlertEvents('other', [ev(1500, 'A', 'firing', {})], 'tok2');
    const all = await h.alertEvents('default', { range: { start: T0 + 0, end: T0 + 10_000 }, matcherSets: [], limit: 100 });
    expect(all.map((e) => `${e.time - T0}:${e.rule}:${e.state}`)).toEqual(['5000:A:resolved', '2000:B:firing', '1000:A:firing']);
    expect(all[2]).toEqual(events[0]);
    expect(all.map((e) => e.value)).toEqual([0.5, -Infinity, Number.NaN]);
    expect((await h.alertEvents('default', { range: { start: T0 + 0, end: T0 + 10_000 }, rule: 'A', matcherSets: [], limit: 1 })).map((e) => e.time)).toEqual([T0 + 5000]);
    expect((await h.alertEvents('default', { range: { start: T0 + 0, end: T0 + 10_000 }, matcherSets: [[{ name: 'team', type: '=~', value: 'w.*' }]], limit: 100 })).map((e) => e.rule)).toEqual(['B']);
    expect(await h.alertEvents('default', { range: { start: T0 + 2001, end: T0 + 4999 }, matcherSets: [], limit: 100 })).toEqual([]);

    const attempt = { time: T0 + 3000, receiver: 'team', integration: 'webhook/0', groupKey: 'k', status: 'firing' as const, fingerprints: ['fp-A'], rules: ['A'], outcome: 'failed' as const, error: 'answered 503', attempt: 1 };
    await h.writeNotificationAttempts('default', [attempt, { ...attempt, time: T0 + 4000, outcome: 'sent', error: '', attempt: 2 }, { ...attempt, receiver: 'boss', rules: ['B'], outcome: 'sent', error: '' }], 'tok3');
    expect((await h.notificationAttempts('default', { range: { start: T0 + 0, end: T0 + 10_000 }, receiver: 'team', limit: 100 })).map((a) => a.outcome)).toEqual(['sent', 'failed']);
    expect(await h.notificationAttempts('default', { range: { start: T0 + 0, end: T0 + 10_000 }, outcome: 'failed', limit: 100 })).toEqual([attempt]);
    expect((await h.notificationAttempts('default', { range: { start: T0 + 0, end: T0 + 10_000 }, rule: 'B', limit: 100 })).map((a) => a.receiver)).toEqual(['boss']);
  });
});
