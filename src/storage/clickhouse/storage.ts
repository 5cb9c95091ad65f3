import type { DashboardVersion, AgentStats, AlertEvent, AlertEventQuery, ModelStats, EncodedBlock, ErrorEventRecord, FunnelQuery, FunnelResult, IssueQuery, IssueSummary, JourneyStep, RetentionQuery, TrendQuery, LabelMatcher, LogCursor, LogQuery, LogRecord, NotificationAttempt, NotificationQuery, SpanRecord, StreamLine, StreamSelection, TraceQuery, TraceSummary, Labels, MetricMetadata, MetricsStorage, SelectHints, SeriesSamples, SharedSelection, StorageHealth, TimeRange } from '../interface.js';
import { METADATA_COLUMNS, METADATA_STRUCTURE, SAMPLES_COLUMNS, SAMPLES_STRUCTURE, SERIES_COLUMNS, SERIES_STRUCTURE } from '../block.js';
import type { ChConnection, InsertFormat } from './connection.js';
import { ROW_LAYOUT, ROW_TABLES, rowStructure, type RowTable } from '../row-tables.js';
import { AlertHistory } from './alert-history.js';
import { AiRead } from './ai-read.js';
import { AnalyticsRead } from './analytics-read.js';
import { DashboardsStore } from './dashboards-store.js';
import { ErrorsRead } from './errors-read.js';
import { LogsRead } from './logs-read.js';
import { StreamsRead } from './streams-read.js';
import { TracesRead } from './traces-read.js';
import { LookupCache } from './lookup-cache.js';
import { RecentSamples } from '../recent/recent-samples.js';
import { parseJsonRows } from './json-rows.js';
import { MetricsRead } from './metrics-read.js';
import { migrate } from './migrate.js';
import type { SchemaOptions } from './schema.js';
import { database, ident, param, render, sql, type Fragment } from './sql.js';

/** Estimated memory per preloaded sample (chunk bytes plus the per-series share), for the preload check. */
const PRELOAD_BYTES_PER_SAMPLE = 8;
/** Samples read per preload query (bounds the answer's size). */
const PRELOAD_ROWS_PER_QUERY = 1_000_000;

/** MetricsStorage on a ClickHouse connection (chDB or server): the one storage implementation. */
export class ClickHouseStorage implements MetricsStorage {
  private readonly read: MetricsRead;
  private readonly history: AlertHistory;
  private readonly logs: LogsRead;
  private readonly traces: TracesRead;
  private readonly streamsRead: StreamsRead;
  private readonly errors: ErrorsRead;
  private readonly analytics: AnalyticsRead;
  private readonly ai: AiRead;
  private readonly boards: DashboardsStore;
  private readonly qualified: (table: 'series' | 'samples' | 'metadata' | RowTable) => string;

  /** The newest samples kept in process (embedded only), see RecentSamples. */
  private readonly recent: RecentSamples | undefined;

  /**
   * @param recentSamples memory for the in-process copy of the newest samples (0 turns it off),
   *   and the span of stored samples loaded into it at start
   */
  constructor(private readonly conn: ChConnection, private readonly schema: SchemaOptions, private readonly recentSamplesOptions: { bytes: number; preloadMs?: number } = { bytes: 0 }) {
    const recentSamplesBytes = recentSamplesOptions.bytes;
    // Embedded: this process writes every series row and sample, so series lookups can be
    // remembered and the newest samples read from memory.
    const embedded = schema.mode === 'embedded';
    this.recent = embedded && recentSamplesBytes > 0 ? new RecentSamples(recentSamplesBytes, schema.metricsRetentionSeconds * 1000) : undefined;
    this.read = new MetricsRead(conn, schema.database, embedded ? new LookupCache(512, 200_000) : undefined, this.recent);
    this.history = new AlertHistory(conn, schema.database);
    this.logs = new LogsRead(conn, schema.database);
    this.traces = new TracesRead(conn, schema.database);
    this.streamsRead = new StreamsRead(conn, schema.database);
    this.errors = new ErrorsRead(conn, schema.database);
    this.analytics = new AnalyticsRead(conn, schema.database);
    this.ai = new AiRead(conn, schema.database);
    this.boards = new DashboardsStore(conn, schema.database);
    this.qualified = (table) => `\`${schema.database}\`.\`${table}\``;
  }

  async migrate(): Promise<void> {
    await migrate(this.conn, this.schema);
    if (this.recent) await this.preloadRecent(this.recent);
  }

  /**
   * Before this process writes: the in-process copy gets the newest stored samples (the preload
   * span before the newest one, when they fit half its memory) and covers from there; what is
   * older is read from ClickHouse.
   */
  private async preloadRecent(recent: RecentSamples): Promise<void> {
    const table = sql`${database(this.schema.database)}.${ident('samples')}`;
    const count = async (where: Fragment) => parseJsonRows<{ n: string; t: string }>(await this.conn.query(render(sql`SELECT count() AS n, max(unix_milli) AS t FROM ${table} WHERE ${where}`), 'JSONEachRow'))[0];
    const held = await count(sql`1`);
    if (!held || Number(held.n) === 0) {
      recent.coverFrom(Number.NEGATIVE_INFINITY);
      return;
    }
    const newest = Number(held.t);
    recent.coverFrom(newest + 1);
    // The span ends at the newest sample, or now when some are stamped in the future (a client
    // sending the wrong unit must not leave the copy covering nothing): those are loaded too.
    const since = Math.min(newest, Date.now()) - Math.max(0, this.recentSamplesOptions.preloadMs ?? 0) + 1;
    if (since > newest) return;
    const rows = Number((await count(sql`unix_milli >= ${param('Int64', since)}`))?.n ?? 0);
    if (rows * PRELOAD_BYTES_PER_SAMPLE > this.recentSamplesOptions.bytes / 2) return;
    // In pieces of whole series, each series' samples in time order (as appends want them).
    const pieces = Math.max(1, Math.ceil(rows / PRELOAD_ROWS_PER_QUERY));
    for (let k = 0; k < pieces; k++) {
      // In the table's own order: read as stored, no sort (and little memory) in ClickHouse.
      const q = sql`SELECT toString(tenant) AS tenant, fingerprint, unix_milli, mantissa, decimals, flags FROM ${table}
WHERE unix_milli >= ${param('Int64', since)} AND fingerprint % ${param('UInt64', pieces)} = ${param('UInt64', k)}
ORDER BY tenant, metric_name, fingerprint, unix_milli`;
      recent.append([await this.conn.query(render(q), 'Native')], `preload:${k}`);
    }
    recent.coverFrom(since);
  }

  async write(blocks: readonly EncodedBlock[], token: string): Promise<void> {
    const pieces = (f: (b: EncodedBlock) => Buffer) => blocks.map(f).filter((b) => b.length > 0);
    const series = pieces((b) => b.series);
    const samples = pieces((b) => b.samples);
    const metadata = pieces((b) => b.metadata);
    // Series first: a sample is never readable before its series is.
    const insert = (table: 'series' | 'samples' | 'metadata', columns: readonly string[], structure: string, format: InsertFormat, pieces: Buffer[]) =>
      pieces.length === 0 ? undefined : this.conn.insertBinary({ table: this.qualified(table), columns, structure, format, pieces, dedupToken: `${token}:${table}` });
    await insert('series', SERIES_COLUMNS, SERIES_STRUCTURE, 'RowBinary', series);
    if (series.length > 0) this.read.seriesWritten();
    await insert('samples', SAMPLES_COLUMNS, SAMPLES_STRUCTURE, 'Native', samples);
    if (samples.length > 0) this.recent?.append(samples, token);
    await insert('metadata', METADATA_COLUMNS, METADATA_STRUCTURE, 'RowBinary', metadata);
    for (const table of ROW_TABLES) {
      const data = blocks.flatMap((b) => (b.payloads ?? []).filter((p) => p.table === table && p.data.length > 0).map((p) => p.data));
      if (data.length === 0) continue;
      await this.conn.insertBinary({ table: this.qualified(table), columns: ROW_LAYOUT[table].map(([c]) => c), structure: rowStructure(table), format: 'RowBinary', pieces: data, dedupToken: `${token}:${table}` });
    }
  }

  recentSamples(): { bytes: number; series: number; coveredFrom: number } | undefined {
    return this.recent?.stats;
  }

  select(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange, hints?: SelectHints): AsyncIterable<SeriesSamples> {
    return this.read.select(tenant, matchers, range, hints);
  }

  selectShared(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange): Promise<SharedSelection | undefined> {
    return this.read.selectShared(tenant, matchers, range);
  }

  series(tenant: string, sets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<Labels[]> {
    return this.read.series(tenant, sets, range, limit);
  }

  labelNames(tenant: string, sets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]> {
    return this.read.labelNames(tenant, sets, range, limit);
  }

  labelValues(tenant: string, name: string, sets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]> {
    return this.read.labelValues(tenant, name, sets, range, limit);
  }

  metadata(tenant: string, opts: { metric?: string; limit: number; limitPerMetric: number }): Promise<Map<string, MetricMetadata[]>> {
    return this.read.metadata(tenant, opts);
  }

  writeAlertEvents(tenant: string, events: readonly AlertEvent[], token: string): Promise<void> {
    return this.history.writeAlertEvents(tenant, events, token);
  }

  writeNotificationAttempts(tenant: string, attempts: readonly NotificationAttempt[], token: string): Promise<void> {
    return this.history.writeNotificationAttempts(tenant, attempts, token);
  }

  alertEvents(tenant: string, q: AlertEventQuery): Promise<AlertEvent[]> {
    return this.history.alertEvents(tenant, q);
  }

  notificationAttempts(tenant: string, q: NotificationQuery): Promise<NotificationAttempt[]> {
    return this.history.notificationAttempts(tenant, q);
  }

  searchLogs(tenant: string, q: LogQuery, page: { limit: number; after?: LogCursor }): Promise<{ records: LogRecord[]; next?: LogCursor }> {
    return this.logs.searchLogs(tenant, q, page);
  }

  logCounts(tenant: string, q: LogQuery, stepMs: number, by?: 'severity' | 'service'): Promise<{ time: number; key: string; count: number }[]> {
    return this.logs.logCounts(tenant, q, stepMs, by);
  }

  logFacet(tenant: string, q: LogQuery, field: string, limit: number): Promise<{ value: string; count: number }[]> {
    return this.logs.logFacet(tenant, q, field, limit);
  }

  streamLines(tenant: string, sel: StreamSelection, limit: number, direction: 'backward' | 'forward'): Promise<StreamLine[]> {
    return this.streamsRead.streamLines(tenant, sel, limit, direction);
  }

  streamCounts(tenant: string, sel: StreamSelection, resolutionMs: number): Promise<{ labels: Record<string, string>; bucket: number; count: number; bytes: number }[]> {
    return this.streamsRead.streamCounts(tenant, sel, resolutionMs);
  }

  streamLabelNames(tenant: string, range: TimeRange): Promise<string[]> {
    return this.streamsRead.streamLabelNames(tenant, range);
  }

  streamLabelValues(tenant: string, name: string, range: TimeRange): Promise<string[]> {
    return this.streamsRead.streamLabelValues(tenant, name, range);
  }

  streams(tenant: string, sels: readonly StreamSelection[], limit: number): Promise<Record<string, string>[]> {
    return this.streamsRead.streams(tenant, sels, limit);
  }

  trace(tenant: string, traceId: string): Promise<SpanRecord[]> {
    return this.traces.trace(tenant, traceId);
  }

  searchTraces(tenant: string, q: TraceQuery): Promise<TraceSummary[]> {
    return this.traces.searchTraces(tenant, q);
  }

  services(tenant: string, range: TimeRange): Promise<string[]> {
    return this.traces.services(tenant, range);
  }

  operations(tenant: string, service: string, range: TimeRange): Promise<{ name: string; kind: string }[]> {
    return this.traces.operations(tenant, service, range);
  }

  dependencies(tenant: string, range: TimeRange): Promise<{ parent: string; child: string; callCount: number }[]> {
    return this.traces.dependencies(tenant, range);
  }

  issues(tenant: string, q: IssueQuery): Promise<IssueSummary[]> {
    return this.errors.issues(tenant, q);
  }

  issueEvents(tenant: string, project: string, fingerprint: string, limit: number): Promise<ErrorEventRecord[]> {
    return this.errors.issueEvents(tenant, project, fingerprint, limit);
  }

  issueCounts(tenant: string, project: string, fingerprint: string, range: TimeRange, stepMs: number): Promise<{ time: number; count: number }[]> {
    return this.errors.issueCounts(tenant, project, fingerprint, range, stepMs);
  }

  dashboards(tenant: string): Promise<Omit<DashboardVersion, 'spec'>[]> {
    return this.boards.dashboards(tenant);
  }

  dashboard(tenant: string, id: string, version?: number): Promise<DashboardVersion | undefined> {
    return this.boards.dashboard(tenant, id, version);
  }

  dashboardVersions(tenant: string, id: string): Promise<Omit<DashboardVersion, 'spec'>[]> {
    return this.boards.dashboardVersions(tenant, id);
  }

  saveDashboard(tenant: string, v: DashboardVersion): Promise<void> {
    return this.boards.saveDashboard(tenant, v);
  }

  setIssueStatus(tenant: string, project: string, fingerprint: string, status: 'unresolved' | 'resolved' | 'ignored', release: string, at: number): Promise<void> {
    return this.errors.setIssueStatus(tenant, project, fingerprint, status, release, at);
  }

  trend(tenant: string, q: TrendQuery): Promise<{ time: number; breakdown: string; value: number }[]> {
    return this.analytics.trend(tenant, q);
  }

  funnel(tenant: string, q: FunnelQuery): Promise<FunnelResult[]> {
    return this.analytics.funnel(tenant, q);
  }

  retention(tenant: string, q: RetentionQuery): Promise<{ cohort: number; size: number; returned: number[] }[]> {
    return this.analytics.retention(tenant, q);
  }

  journey(tenant: string, distinctId: string, range: TimeRange, limit: number): Promise<JourneyStep[]> {
    return this.analytics.journey(tenant, distinctId, range, limit);
  }

  paths(tenant: string, q: { event: string; direction: 'after' | 'before'; steps: number; range: TimeRange; limit: number }): Promise<{ path: string[]; people: number }[]> {
    return this.analytics.paths(tenant, q);
  }

  features(tenant: string, events: readonly string[], range: TimeRange): Promise<{ event: string; uses: number; users: number; adoption: number }[]> {
    return this.analytics.features(tenant, events, range);
  }

  stickiness(tenant: string, event: string, interval: 'day' | 'week', range: TimeRange): Promise<{ periods: number; people: number }[]> {
    return this.analytics.stickiness(tenant, event, interval, range);
  }

  aiModels(tenant: string, range: TimeRange): Promise<ModelStats[]> {
    return this.ai.aiModels(tenant, range);
  }

  aiAgents(tenant: string, range: TimeRange): Promise<AgentStats[]> {
    return this.ai.aiAgents(tenant, range);
  }

  async health(): Promise<StorageHealth> {
    try {
      const out = await this.conn.query(render(sql`SELECT 1`), 'TabSeparated');
      return { ok: out.toString().trim() === '1', detail: 'ok' };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  async engineMemory(): Promise<number | undefined> {
    try {
      const out = await this.conn.query(render(sql`SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'`), 'TabSeparated');
      const bytes = Number(out.toString().trim());
      return out.length > 0 && Number.isFinite(bytes) ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  async compactAndMeasure(): Promise<{ samples: number; bytesOnDisk: number }> {
    const db = database(this.schema.database);
    const table = this.schema.mode === 'cluster' ? 'samples_local' : 'samples';
    await this.conn.command(render(sql`OPTIMIZE TABLE ${db}.${ident(table)} FINAL`));
    const out = await this.conn.query(render(sql`SELECT sum(rows), sum(bytes_on_disk) FROM system.parts WHERE database = ${param('String', this.schema.database)} AND table = ${param('String', table)} AND active`), 'TabSeparated');
    const [rows, bytes] = out.toString().trim().split('\t').map(Number);
    return { samples: rows ?? 0, bytesOnDisk: bytes ?? 0 };
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
