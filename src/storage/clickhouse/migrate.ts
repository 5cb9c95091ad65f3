import type { ChConnection } from './connection.js';
import { addColumn, dashboardsTable, LOGS_MINUTE_COLUMN, LOGS_MINUTE_INDEX, alertEventsTable, createDatabase, errorEventsTable, errorIssuesTable, eventsTable, personIdsTable, createTable, logsTable, metadataTable, migrationsTable, modifyTtl, notificationLogTable, samplesTable, seriesTable, spansTable, traceIndexTable, type SchemaOptions, type TableName } from './schema.js';
import { database, ident, int, param, render, sql, type Fragment } from './sql.js';

/** A numbered schema step. Steps only add; each statement is idempotent (IF NOT EXISTS). */
interface Migration {
  version: number;
  name: string;
  statements: (o: SchemaOptions) => Fragment[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'metrics: series, samples, metadata',
    statements: (o) => [seriesTable(o), samplesTable(o), metadataTable()].flatMap((t) => createTable(t, o)),
  },
  {
    version: 2,
    name: 'alerting history: alert_events, notification_log',
    statements: (o) => [alertEventsTable(o), notificationLogTable(o)].flatMap((t) => createTable(t, o)),
  },
  {
    version: 3,
    name: 'logs and traces: logs, spans, trace_index',
    statements: (o) => [logsTable(o), spansTable(o), traceIndexTable(o)].flatMap((t) => createTable(t, o)),
  },
  {
    version: 4,
    name: 'errors: error_events, error_issues',
    statements: (o) => [errorEventsTable(o), errorIssuesTable()].flatMap((t) => createTable(t, o)),
  },
  {
    version: 5,
    name: 'product analytics: events, person_ids',
    statements: (o) => [eventsTable(o), personIdsTable()].flatMap((t) => createTable(t, o)),
  },
  {
    version: 6,
    name: 'logs: Minute column and index for histograms',
    statements: (o) => addColumn(logsTable(o), o, LOGS_MINUTE_COLUMN, LOGS_MINUTE_INDEX),
  },
  {
    version: 7,
    name: 'dashboards: every saved version',
    statements: (o) => createTable(dashboardsTable(), o),
  },
];

/** Every statement a fresh install runs, in order (used by tests to check the cluster DDL). */
export function allStatements(o: SchemaOptions): Fragment[] {
  return [createDatabase(o), ...createTable(migrationsTable(), o), ...MIGRATIONS.flatMap((m) => m.statements(o))];
}

/**
 * Brings the database to the newest schema: creates what is missing, records each applied
 * version in `schema_migrations`, then aligns table TTLs with the configured retention.
 * Safe to run on every start and from many processes at once.
 */
export async function migrate(conn: ChConnection, o: SchemaOptions): Promise<number[]> {
  const db = database(o.database);
  await conn.command(render(createDatabase(o)));
  for (const s of createTable(migrationsTable(), o)) await conn.command(render(s));
  const applied = new Set(
    (await conn.query(render(sql`SELECT version FROM ${db}.${ident('schema_migrations')} FINAL`), 'TabSeparated'))
      .toString('utf8').split('\n').filter(Boolean).map(Number),
  );
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    for (const s of m.statements(o)) await conn.command(render(s));
    await conn.command(render(sql`INSERT INTO ${db}.${ident('schema_migrations')} (version, name, applied_at) VALUES (${param('UInt32', m.version)}, ${param('String', m.name)}, now())`));
    ran.push(m.version);
  }
  await alignTtl(conn, o);
  await alignMergeSettings(conn, o);
  return ran;
}

/**
 * Merge tuning per table, set where the engine knows the setting (ClickHouse servers older than
 * the setting keep their default). merge_selector_base 20 instead of 5 merges later and wider,
 * so a row is rewritten fewer times. Measured: background merges of samples cost about half the
 * CPU on the ingest benchmark (a day partition rests at a few parts instead of one); of logs,
 * 38.5 → 20.3 CPU-s over 10M lines, with searches at rest somewhat slower (README, logs benchmark).
 */
const MERGE_SETTINGS: readonly [TableName, Record<string, number>][] = [
  ['samples', { merge_selector_base: 20 }],
  ['logs', { merge_selector_base: 20 }],
];

async function alignMergeSettings(conn: ChConnection, o: SchemaOptions): Promise<void> {
  const names = [...new Set(MERGE_SETTINGS.flatMap(([, settings]) => Object.keys(settings)))];
  const known = new Set((await conn.query(render(sql`SELECT name FROM system.merge_tree_settings WHERE name IN ${param('Array(String)', names)}`), 'TabSeparated')).toString('utf8').split('\n').filter(Boolean));
  const onCluster = o.mode === 'cluster' ? sql` ON CLUSTER ${database(o.cluster)}` : sql``;
  for (const [name, settings] of MERGE_SETTINGS) {
    const table = o.mode === 'cluster' ? `${name}_local` : name;
    const current = (await conn.query(render(sql`SELECT engine_full FROM system.tables WHERE database = ${param('String', o.database)} AND name = ${param('String', table)}`), 'TabSeparated')).toString('utf8');
    for (const [setting, value] of Object.entries(settings)) {
      if (!known.has(setting) || current.includes(`${setting} = ${value}`)) continue;
      await conn.command(render(sql`ALTER TABLE ${database(o.database)}.${ident(table)}${onCluster} MODIFY SETTING ${ident(setting)} = ${int(value)}`));
    }
  }
}

async function alignTtl(conn: ChConnection, o: SchemaOptions): Promise<void> {
  for (const def of [samplesTable(o), seriesTable(o), alertEventsTable(o), notificationLogTable(o), logsTable(o), spansTable(o), traceIndexTable(o), errorEventsTable(o), eventsTable(o)]) {
    const statement = modifyTtl(def, o);
    if (!statement || !def.ttl) continue;
    const table = o.mode === 'cluster' ? `${def.name}_local` : def.name;
    const current = (await conn.query(render(sql`SELECT engine_full FROM system.tables WHERE database = ${param('String', o.database)} AND name = ${param('String', table)}`), 'TabSeparated')).toString('utf8');
    const wanted = render(def.ttl).text.replace(/\s+/g, '');
    if (!current.replace(/\s+/g, '').includes(wanted)) await conn.command(render(statement));
  }
}
