import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tmp.js';
import { ChdbConnection } from './connection-chdb.js';
import { allStatements } from './migrate.js';
import { param, render, sql } from './sql.js';

// Cluster DDL cannot run without ZooKeeper and a cluster, so it is proven the way STORAGE.md
// §2.9 describes: every statement parses (formatQuery), and, in chDB with a config that defines
// the cluster and macros, the local tables (Replicated* swapped for the plain engine, ON CLUSTER
// removed) and the Distributed tables are really created.
const dir = tempDir('cluster');
const configFile = join(dir.path, 'cluster.xml');
writeFileSync(configFile, `<clickhouse>
  <macros><shard>01</shard><replica>r1</replica></macros>
  <remote_servers><obs><shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard></obs></remote_servers>
</clickhouse>`);
const conn = new ChdbConnection({ path: join(dir.path, 'db'), maxServerMemoryBytes: 1 << 30, maxQueryMemoryBytes: 256 << 20, extraServerArgs: [`--config-file=${configFile}`] });
const statements = allStatements({ database: 'obs', mode: 'cluster', cluster: 'obs', metricsRetentionSeconds: 30 * 86_400 }).map(render);

afterAll(async () => {
  await conn.close();
  dir.remove();
});

describe('cluster DDL', () => {
  it('renders ON CLUSTER, Replicated engines with macros, and Distributed tables', () => {
    const text = statements.map((s) => s.text).join('\n');
    expect(text).toContain("CREATE TABLE IF NOT EXISTS `obs`.`samples_local` ON CLUSTER `obs`");
    expect(text).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')");
    expect(text).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at)");
    expect(text).toContain('ENGINE = Distributed(`obs`, `obs`, `samples_local`, fingerprint)');
    expect(text).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}')");
  });

  it('parses every statement', async () => {
    for (const s of statements) {
      const out = await conn.query(render(sql`SELECT formatQueryOrNull(${param('String', s.text)}) IS NOT NULL`), 'TabSeparated');
      expect(out.toString().trim(), s.text).toBe('1');
    }
  });

  it('creates the local and Distributed tables in chDB with a test cluster config', async () => {
    for (const s of statements) {
      const local = s.text
        .replace(/ ON CLUSTER `obs`/g, '')
        .replace(/ReplicatedReplacingMergeTree\('[^']+', '\{replica\}'(?:, )?/g, 'ReplacingMergeTree(')
        .replace(/ReplicatedAggregatingMergeTree\('[^']+', '\{replica\}'\)/g, 'AggregatingMergeTree()')
        .replace(/ReplicatedMergeTree\('[^']+', '\{replica\}'\)/g, 'MergeTree()');
      await conn.command({ text: local, params: s.params });
    }
    const out = await conn.query(render(sql`SELECT name, engine FROM system.tables WHERE database = 'obs' ORDER BY name`), 'TabSeparated');
    expect(out.toString().trim().split('\n')).toEqual([
      'alert_events\tDistributed', 'alert_events_local\tMergeTree',
      'dashboards\tDistributed', 'dashboards_local\tMergeTree',
      'error_events\tDistributed', 'error_events_local\tMergeTree',
      'error_issues\tDistributed', 'error_issues_local\tReplacingMergeTree',
      'events\tDistributed', 'events_local\tMergeTree',
      'logs\tDistributed', 'logs_local\tMergeTree',
      'metadata\tDistributed', 'metadata_local\tReplacingMergeTree',
      'notification_log\tDistributed', 'notification_log_local\tMergeTree',
      'person_ids\tDistributed', 'person_ids_local\tReplacingMergeTree',
      'samples\tDistributed', 'samples_local\tMergeTree',
      'schema_migrations\tDistributed', 'schema_migrations_local\tReplacingMergeTree',
      'series\tDistributed', 'series_local\tReplacingMergeTree',
      'spans\tDistributed', 'spans_local\tMergeTree',
      'trace_index\tDistributed', 'trace_index_local\tAggregatingMergeTree',
    ]);
  });
});
