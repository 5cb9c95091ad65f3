import { database, ident, int, join, sql, type Fragment } from './sql.js';

/**
 * Table definitions and the DDL rendered from them for each storage mode. One definition yields
 * a plain MergeTree table (embedded and server modes), or, in cluster mode, a Replicated local
 * table `<name>_local ON CLUSTER` plus a Distributed table `<name>` over it.
 */
export interface SchemaOptions {
  database: string;
  mode: 'embedded' | 'server' | 'cluster';
  /** Cluster name for ON CLUSTER and Distributed (cluster mode only). */
  cluster: string;
  /** Samples older than this are dropped by TTL, in whole parts. Seconds. */
  metricsRetentionSeconds: number;
  /** Alert state changes and notification attempts older than this are dropped by TTL. Seconds. */
  alertHistoryRetentionSeconds?: number;
  /** Log records and spans older than this are dropped by TTL, in whole parts. Seconds. */
  logsRetentionSeconds?: number;
  tracesRetentionSeconds?: number;
  /** Error events older than this are dropped by TTL. Seconds. */
  errorsRetentionSeconds?: number;
  /** Product analytics events older than this are dropped by TTL. Seconds. */
  eventsRetentionSeconds?: number;
}

/** Logs and traces are kept 30 days unless configured otherwise. */
export const DEFAULT_EVENTS_SECONDS = 30 * 86_400;

/** Alert history is kept a year unless configured otherwise. */
export const DEFAULT_ALERT_HISTORY_SECONDS = 365 * 86_400;

export type TableName = 'samples' | 'series' | 'metadata' | 'schema_migrations' | 'alert_events' | 'notification_log' | 'logs' | 'spans' | 'trace_index' | 'error_events' | 'error_issues' | 'events' | 'person_ids' | 'dashboards';

interface TableDef {
  name: TableName;
  columns: Fragment;
  engine: 'MergeTree' | 'ReplacingMergeTree' | 'AggregatingMergeTree';
  /** Arguments of the engine (e.g. the version column of ReplacingMergeTree). */
  engineArgs?: Fragment;
  partitionBy?: Fragment;
  orderBy: Fragment;
  ttl?: Fragment;
  settings: Fragment;
  /** Distributed sharding expression; absent = not sharded (replicated to every node). */
  shardingKey?: Fragment;
}

/**
 * A sample's value from its stored form (see block.ts): mantissa / 10^decimals (IEEE division,
 * exact by construction), or the IEEE bits kept in `mantissa` when decimals = 255.
 */
export const VALUE = sql`if(decimals = 255, reinterpretAsFloat64(mantissa), toFloat64(mantissa) / [1., 10., 100., 1000., 10000., 100000., 1000000., 10000000., 100000000., 1000000000., 10000000000., 100000000000., 1000000000000., 10000000000000., 100000000000000., 1000000000000000.][decimals + 1])`;

export function samplesTable(o: SchemaOptions): TableDef {
  return {
    name: 'samples',
    columns: sql`
  tenant LowCardinality(String),
  metric_name LowCardinality(String),
  fingerprint UInt64 CODEC(Delta(8), ZSTD(1)),
  unix_milli Int64 CODEC(DoubleDelta, ZSTD(1)),
  mantissa Int64 CODEC(Delta(8), ZSTD(3)),
  decimals UInt8 CODEC(ZSTD(1)),
  flags UInt8 CODEC(ZSTD(1)),
  value Float64 ALIAS ${VALUE}`,
    engine: 'MergeTree',
    partitionBy: sql`toDate(intDiv(unix_milli, 1000))`,
    orderBy: sql`(tenant, metric_name, fingerprint, unix_milli)`,
    ttl: sql`toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(${int(o.metricsRetentionSeconds)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
    shardingKey: sql`fingerprint`,
  };
}

export function seriesTable(o: SchemaOptions): TableDef {
  const days = Math.ceil(o.metricsRetentionSeconds / 86_400) + 1;
  return {
    name: 'series',
    columns: sql`
  tenant LowCardinality(String),
  metric_name LowCardinality(String),
  fingerprint UInt64,
  day Date,
  labels Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  INDEX idx_label_keys mapKeys(labels) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_label_values mapValues(labels) TYPE bloom_filter(0.01) GRANULARITY 1`,
    engine: 'ReplacingMergeTree',
    partitionBy: sql`toYYYYMM(day)`,
    orderBy: sql`(tenant, metric_name, fingerprint, day)`,
    ttl: sql`day + toIntervalDay(${int(days)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
    shardingKey: sql`fingerprint`,
  };
}

export function metadataTable(): TableDef {
  return {
    name: 'metadata',
    columns: sql`
  tenant LowCardinality(String),
  metric_name LowCardinality(String),
  type LowCardinality(String),
  help String,
  unit LowCardinality(String),
  updated_at DateTime`,
    engine: 'ReplacingMergeTree',
    engineArgs: sql`updated_at`,
    orderBy: sql`(tenant, metric_name, type, help, unit)`,
    settings: sql`non_replicated_deduplication_window = 1000`,
    shardingKey: sql`cityHash64(metric_name)`,
  };
}

/** An append-only history table: monthly partitions, ordered by `key` then time, TTL from config. */
function historyTable(o: SchemaOptions, name: 'alert_events' | 'notification_log', key: 'rule' | 'receiver', columns: Fragment): TableDef {
  return {
    name,
    columns: sql`
  tenant LowCardinality(String),
  unix_milli Int64 CODEC(DoubleDelta, ZSTD(1)),${columns}`,
    engine: 'MergeTree',
    partitionBy: sql`toYYYYMM(toDate(intDiv(unix_milli, 1000)))`,
    orderBy: sql`(tenant, ${ident(key)}, unix_milli)`,
    ttl: sql`toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(${int(o.alertHistoryRetentionSeconds ?? DEFAULT_ALERT_HISTORY_SECONDS)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
    shardingKey: sql`cityHash64(${ident(key)})`,
  };
}

/** Every state change of every alert (from rules, or received through the Alertmanager API). */
export function alertEventsTable(o: SchemaOptions): TableDef {
  return historyTable(o, 'alert_events', 'rule', sql`
  rule LowCardinality(String),
  rule_group LowCardinality(String),
  fingerprint String,
  labels Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  state LowCardinality(String),
  previous LowCardinality(String),
  value Float64,
  active_at Int64,
  source LowCardinality(String)`);
}

/** Every notification attempt: receiver, integration, outcome and error. */
export function notificationLogTable(o: SchemaOptions): TableDef {
  return historyTable(o, 'notification_log', 'receiver', sql`
  receiver LowCardinality(String),
  integration LowCardinality(String),
  group_key String,
  status LowCardinality(String),
  fingerprints Array(String),
  rules Array(LowCardinality(String)),
  outcome LowCardinality(String),
  error String,
  attempt UInt32`);
}

/**
 * The minute of each log line, stored (a few kB per million lines): histograms of word searches
 * in whole minutes read it instead of the nanosecond `Timestamp` (10M lines, count of a common
 * word: 68 → 20 ms in chDB), and its minmax index skips the granules outside the range.
 */
export const LOGS_MINUTE_COLUMN = sql`Minute DateTime MATERIALIZED toStartOfMinute(Timestamp) CODEC(ZSTD(1))`;
export const LOGS_MINUTE_INDEX = sql`idx_minute Minute TYPE minmax GRANULARITY 1`;

/**
 * Log records with the OpenTelemetry ClickHouse exporter's column names; a text index on
 * `lower(Body)` (words split at non-alphanumerics) answers term searches from the index, bloom
 * filters serve trace ids and attribute keys and values, and a projection keeps counts per
 * minute, service and severity for histograms (measured at 10M lines: 5 ms instead of 136).
 */
export function logsTable(o: SchemaOptions): TableDef {
  return {
    name: 'logs',
    columns: sql`
  tenant LowCardinality(String),
  Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
  ObservedTimestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  TraceFlags UInt8,
  SeverityText LowCardinality(String),
  SeverityNumber UInt8,
  ServiceName LowCardinality(String),
  Body String CODEC(ZSTD(1)),
  ResourceSchemaUrl LowCardinality(String),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeSchemaUrl LowCardinality(String),
  ScopeName LowCardinality(String),
  ScopeVersion LowCardinality(String),
  ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  EventName String CODEC(ZSTD(1)),
  Truncated UInt8,
  ${LOGS_MINUTE_COLUMN},
  INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX ${LOGS_MINUTE_INDEX},
  INDEX idx_res_keys mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_res_values mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_log_keys mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_log_values mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_body lower(Body) TYPE text(tokenizer = 'splitByNonAlpha'),
  PROJECTION counts (SELECT tenant, toStartOfMinute(Timestamp), ServiceName, SeverityText, count() GROUP BY tenant, toStartOfMinute(Timestamp), ServiceName, SeverityText)`,
    ...eventTable(sql`(tenant, toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)`, o.logsRetentionSeconds),
  };
}

/**
 * Daily partitions on `Timestamp`, TTL in whole parts, sharded by trace. Granules of 2,048 rows
 * instead of 8,192: a search reads the columns of each matching row's whole granule, and 2,048
 * measured fastest (rare token at 1M lines 17.8 → 12.6 ms, newest 100 of a service 7.6 → 5.9 ms
 * in chDB; 1,024 and 512 were no faster) at the same bytes on disk.
 */
function eventTable(orderBy: Fragment, retentionSeconds: number | undefined): Omit<TableDef, 'name' | 'columns'> {
  return {
    engine: 'MergeTree',
    partitionBy: sql`toDate(Timestamp)`,
    orderBy,
    ttl: sql`toDateTime(Timestamp) + toIntervalSecond(${int(retentionSeconds ?? DEFAULT_EVENTS_SECONDS)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000, index_granularity = 2048`,
    shardingKey: sql`cityHash64(TraceId)`,
  };
}

/** Spans with the OpenTelemetry ClickHouse exporter's column names (events and links as Nested), ordered by hour and trace. */
export function spansTable(o: SchemaOptions): TableDef {
  return {
    name: 'spans',
    columns: sql`
  tenant LowCardinality(String),
  Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  ParentSpanId String CODEC(ZSTD(1)),
  TraceState String CODEC(ZSTD(1)),
  SpanName LowCardinality(String),
  SpanKind LowCardinality(String),
  ServiceName LowCardinality(String),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeName String CODEC(ZSTD(1)),
  ScopeVersion String CODEC(ZSTD(1)),
  SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Duration UInt64 CODEC(T64, ZSTD(1)),
  StatusCode LowCardinality(String),
  StatusMessage String CODEC(ZSTD(1)),
  Events Nested(Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String)),
  Links Nested(TraceId String, SpanId String, TraceState String, Attributes Map(LowCardinality(String), String)),
  Truncated UInt8,
  INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_res_keys mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_res_values mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_span_keys mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_span_values mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_duration Duration TYPE minmax GRANULARITY 1`,
    // Spans of a trace lie together within the hour: a trace by id (bounds from trace_index) is a
    // primary-key lookup, and they compress better (measured: 29 against 47 bytes per span).
    ...eventTable(sql`(tenant, toStartOfHour(Timestamp), TraceId, Timestamp)`, o.tracesRetentionSeconds),
  };
}

/** First and last time of each trace: a point lookup by trace id that bounds the spans read. */
export function traceIndexTable(o: SchemaOptions): TableDef {
  return {
    name: 'trace_index',
    columns: sql`
  tenant LowCardinality(String),
  TraceId String CODEC(ZSTD(1)),
  Start SimpleAggregateFunction(min, DateTime64(9)) CODEC(ZSTD(1)),
  End SimpleAggregateFunction(max, DateTime64(9)) CODEC(ZSTD(1))`,
    engine: 'AggregatingMergeTree',
    partitionBy: sql`toStartOfWeek(Start)`,
    orderBy: sql`(tenant, TraceId)`,
    ttl: sql`toDateTime(Start) + toIntervalSecond(${int(o.tracesRetentionSeconds ?? DEFAULT_EVENTS_SECONDS)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
    shardingKey: sql`cityHash64(TraceId)`,
  };
}

/** Error events (Sentry-style), grouped by fingerprint: an issue's events lie together. */
export function errorEventsTable(o: SchemaOptions): TableDef {
  return {
    name: 'error_events',
    columns: sql`
  tenant LowCardinality(String),
  Project LowCardinality(String),
  Timestamp DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  EventId String CODEC(ZSTD(1)),
  Fingerprint String CODEC(ZSTD(1)),
  Title String CODEC(ZSTD(1)),
  Culprit String CODEC(ZSTD(1)),
  Level LowCardinality(String),
  Platform LowCardinality(String),
  Release LowCardinality(String),
  Environment LowCardinality(String),
  ServerName LowCardinality(String),
  Message String CODEC(ZSTD(1)),
  ExceptionType LowCardinality(String),
  ExceptionValue String CODEC(ZSTD(1)),
  UserId String CODEC(ZSTD(1)),
  UserEmail String CODEC(ZSTD(1)),
  UserIp String CODEC(ZSTD(1)),
  UserName String CODEC(ZSTD(1)),
  Tags Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Event String CODEC(ZSTD(3)),
  INDEX idx_event_id EventId TYPE bloom_filter(0.001) GRANULARITY 1`,
    engine: 'MergeTree',
    partitionBy: sql`toYYYYMM(Timestamp)`,
    orderBy: sql`(tenant, Project, Fingerprint, Timestamp)`,
    ttl: sql`toDateTime(Timestamp) + toIntervalSecond(${int(o.errorsRetentionSeconds ?? 90 * 86_400)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
    shardingKey: sql`cityHash64(Fingerprint)`,
  };
}

/** The status an issue was given (resolved, ignored, unresolved): the newest row per issue counts. */
export function errorIssuesTable(): TableDef {
  return {
    name: 'error_issues',
    columns: sql`
  tenant LowCardinality(String),
  Project LowCardinality(String),
  Fingerprint String,
  Status LowCardinality(String),
  ResolvedInRelease String,
  UpdatedAt DateTime64(3)`,
    engine: 'ReplacingMergeTree',
    engineArgs: sql`UpdatedAt`,
    orderBy: sql`(tenant, Project, Fingerprint)`,
    settings: sql`index_granularity = 8192`,
  };
}

/**
 * Saved dashboards, one row per version (kept: the history is the table). Small; not sharded.
 * An insert of a version that exists is dropped by its deduplication token (id and version), so
 * of two servers saving the same version at once only the first is kept.
 */
export function dashboardsTable(): TableDef {
  return {
    name: 'dashboards',
    columns: sql`
  tenant LowCardinality(String),
  Id String,
  Version UInt32,
  Title String,
  Spec String CODEC(ZSTD(3)),
  Deleted UInt8,
  UpdatedAt DateTime64(3)`,
    engine: 'MergeTree',
    orderBy: sql`(tenant, Id, Version)`,
    settings: sql`non_replicated_deduplication_window = 1000, index_granularity = 256`,
  };
}

/**
 * Product analytics events (track, page, screen, identify): name, who (distinct and anonymous
 * id), session, and properties as JSON text. Ordered by name, day and user, so funnels and
 * retention read each user's events together.
 */
export function eventsTable(o: SchemaOptions): TableDef {
  return {
    name: 'events',
    columns: sql`
  tenant LowCardinality(String),
  Timestamp DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  Event LowCardinality(String),
  DistinctId String CODEC(ZSTD(1)),
  AnonymousId String CODEC(ZSTD(1)),
  SessionId String CODEC(ZSTD(1)),
  Uuid String CODEC(ZSTD(1)),
  Properties String CODEC(ZSTD(3)),
  PersonProperties String CODEC(ZSTD(3)),
  Source LowCardinality(String),
  INDEX idx_distinct DistinctId TYPE bloom_filter(0.01) GRANULARITY 1`,
    engine: 'MergeTree',
    partitionBy: sql`toYYYYMM(Timestamp)`,
    orderBy: sql`(tenant, Event, toDate(Timestamp), DistinctId, Timestamp)`,
    ttl: sql`toDateTime(Timestamp) + toIntervalSecond(${int(o.eventsRetentionSeconds ?? 730 * 86_400)})`,
    settings: sql`ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
    shardingKey: sql`cityHash64(DistinctId)`,
  };
}

/** Who is who: each distinct id's person (identify merges an anonymous id into a known one) and the person's properties. */
export function personIdsTable(): TableDef {
  return {
    name: 'person_ids',
    columns: sql`
  tenant LowCardinality(String),
  DistinctId String,
  PersonId String,
  Properties String CODEC(ZSTD(3)),
  UpdatedAt DateTime64(3)`,
    engine: 'ReplacingMergeTree',
    engineArgs: sql`UpdatedAt`,
    orderBy: sql`(tenant, DistinctId)`,
    settings: sql`index_granularity = 8192`,
    shardingKey: sql`cityHash64(DistinctId)`,
  };
}

export function migrationsTable(): TableDef {
  return {
    name: 'schema_migrations',
    columns: sql`
  version UInt32,
  name String,
  applied_at DateTime`,
    engine: 'ReplacingMergeTree',
    orderBy: sql`version`,
    settings: sql`index_granularity = 8192`,
  };
}

/** The statements that create one table in the given mode, in order. */
export function createTable(def: TableDef, o: SchemaOptions): Fragment[] {
  const db = database(o.database);
  const tail = join([
    def.partitionBy ? sql`PARTITION BY ${def.partitionBy}` : sql``,
    sql`ORDER BY ${def.orderBy}`,
    def.ttl ? sql`TTL ${def.ttl}` : sql``,
    sql`SETTINGS ${def.settings}`,
  ].filter((f) => f.parts.join('') !== ''), sql`\n`);
  const args = def.engineArgs ?? sql``;
  if (o.mode !== 'cluster') {
    const engine = def.engine === 'MergeTree' ? sql`MergeTree(${args})` : def.engine === 'ReplacingMergeTree' ? sql`ReplacingMergeTree(${args})` : sql`AggregatingMergeTree(${args})`;
    return [sql`CREATE TABLE IF NOT EXISTS ${db}.${ident(def.name)} (${def.columns}\n) ENGINE = ${engine}\n${tail}`];
  }
  const cluster = database(o.cluster);
  const local = ident(`${def.name}_local`);
  // Shared tables (no sharding key) use one ZooKeeper path for every shard: one copy everywhere.
  const zkPath = def.shardingKey ? sql`'/clickhouse/tables/{shard}/{database}/{table}'` : sql`'/clickhouse/tables/all/{database}/{table}'`;
  const replicatedArgs = def.engineArgs ? sql`${zkPath}, '{replica}', ${args}` : sql`${zkPath}, '{replica}'`;
  const engine = def.engine === 'MergeTree' ? sql`ReplicatedMergeTree(${replicatedArgs})` : def.engine === 'ReplacingMergeTree' ? sql`ReplicatedReplacingMergeTree(${replicatedArgs})` : sql`ReplicatedAggregatingMergeTree(${replicatedArgs})`;
  const statements = [
    sql`CREATE TABLE IF NOT EXISTS ${db}.${local} ON CLUSTER ${cluster} (${def.columns}\n) ENGINE = ${engine}\n${tail}`,
  ];
  const key = def.shardingKey ?? sql`rand()`;
  statements.push(sql`CREATE TABLE IF NOT EXISTS ${db}.${ident(def.name)} ON CLUSTER ${cluster} AS ${db}.${local}\nENGINE = Distributed(${cluster}, ${db}, ${local}, ${key})`);
  return statements;
}

/** The statement that creates the database. */
export function createDatabase(o: SchemaOptions): Fragment {
  const db = database(o.database);
  return o.mode === 'cluster' ? sql`CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${database(o.cluster)}` : sql`CREATE DATABASE IF NOT EXISTS ${db}`;
}

/** The statement that brings a table's TTL in line with the configured retention. */
export function modifyTtl(def: TableDef, o: SchemaOptions): Fragment | undefined {
  if (!def.ttl) return undefined;
  const target = o.mode === 'cluster' ? ident(`${def.name}_local`) : ident(def.name);
  const onCluster = o.mode === 'cluster' ? sql` ON CLUSTER ${database(o.cluster)}` : sql``;
  return sql`ALTER TABLE ${database(o.database)}.${target}${onCluster} MODIFY TTL ${def.ttl}`;
}

/**
 * The statements that add a column (and a skip index, given without `INDEX`) to a table created before it existed:
 * on a cluster to the local tables and the column to the Distributed table too. Idempotent.
 */
export function addColumn(def: TableDef, o: SchemaOptions, column: Fragment, index?: Fragment): Fragment[] {
  const db = database(o.database);
  if (o.mode !== 'cluster') {
    return [sql`ALTER TABLE ${db}.${ident(def.name)} ADD COLUMN IF NOT EXISTS ${column}`, ...(index ? [sql`ALTER TABLE ${db}.${ident(def.name)} ADD INDEX IF NOT EXISTS ${index}`] : [])];
  }
  const onCluster = sql` ON CLUSTER ${database(o.cluster)}`;
  const local = ident(`${def.name}_local`);
  return [
    sql`ALTER TABLE ${db}.${local}${onCluster} ADD COLUMN IF NOT EXISTS ${column}`,
    ...(index ? [sql`ALTER TABLE ${db}.${local}${onCluster} ADD INDEX IF NOT EXISTS ${index}`] : []),
    sql`ALTER TABLE ${db}.${ident(def.name)}${onCluster} ADD COLUMN IF NOT EXISTS ${column}`,
  ];
}
