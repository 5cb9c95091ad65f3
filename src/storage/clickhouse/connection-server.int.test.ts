import { createChdbConnection } from 'chdb/connection';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAlertHistory } from '../../../test/alert-history-cases.js';
import { tempDir } from '../../../test/tmp.js';
import { ServerConnection } from './connection-server.js';
import { AlertHistory } from './alert-history.js';
import { migrate, MIGRATIONS } from './migrate.js';
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
    expect(await migrate(conn, o)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(conn, o)).toEqual([]);
    const q = render(sql`SELECT name FROM system.tables WHERE database = ${param('String', 'srv')} ORDER BY name`);
    expect((await conn.query(q, 'TabSeparated')).toString()).toBe('alert_events\ndashboards\nerror_events\nerror_issues\nevents\nlogs\nmetadata\nnotification_log\nperson_ids\nsamples\nschema_migrations\nseries\nspans\ntrace_index\n');
    expect((await conn.query(q, 'JSONEachRow')).toString().split('\n')[0]).toBe('{"name":"alert_events"}');
  });
  it('writes and reads the alerting history (JSONEachRow inserts through the client)', () => checkAlertHistory(new AlertHistory(conn, 'srv'), Date.now() - 3_600_000));
});
