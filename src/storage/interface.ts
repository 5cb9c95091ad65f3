/**
 * The narrow storage interface every query engine and API uses. Nothing outside `src/storage`
 * sees SQL or knows which ClickHouse connection is behind it. Every call is scoped by tenant.
 * Times are Unix milliseconds; ranges are inclusive at both ends.
 */

import type { TablePayload } from './row-tables.js';

/** A label set including `__name__`. */
export type Labels = Readonly<Record<string, string>>;

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A Prometheus label matcher. Regexes are fully anchored; `x=""` also matches a missing label. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/** Flag bit on a sample: it is a Prometheus staleness marker (its value is NaN). */
export const STALE_FLAG = 1;

/** One series and its samples in time order. `flags[i] & STALE_FLAG` marks staleness markers. */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly flags: Uint8Array;
}

export interface TimeRange {
  /** Inclusive lower bound, ms. */
  readonly start: number;
  /** Inclusive upper bound, ms. */
  readonly end: number;
}

export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

export interface MetricsReader {
  /**
   * Series matching every matcher that have samples in the range, with those samples, ordered by
   * fingerprint. At least one matcher must select something (an all-empty-matching set is
   * refused by the API before it gets here).
   */
  select(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange): AsyncIterable<SeriesSamples>;
  /** Label sets of series matching any of the matcher sets and seen in the range (day precision). */
  series(tenant: string, matcherSets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<Labels[]>;
  /** Sorted label names of matching series (all series when no sets are given). */
  labelNames(tenant: string, matcherSets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]>;
  /** Sorted values of one label over matching series. */
  labelValues(tenant: string, name: string, matcherSets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]>;
  /** Metadata per metric family name; `metric` narrows to one family. */
  metadata(tenant: string, opts: { metric?: string; limit: number; limitPerMetric: number }): Promise<Map<string, MetricMetadata[]>>;
}

/** The rows of one ingest request, already in storage's row encoding (see block.ts). */
export interface EncodedBlock {
  readonly series: Buffer;
  readonly seriesRows: number;
  readonly samples: Buffer;
  readonly sampleRows: number;
  readonly metadata: Buffer;
  readonly metadataRows: number;
  /** Rows of other tables (logs, spans, …), see row-tables.ts. */
  readonly payloads?: readonly TablePayload[];
}

/** All rows of a block, every table counted. */
export function blockRows(b: EncodedBlock): number {
  let n = b.sampleRows + b.seriesRows + b.metadataRows;
  for (const p of b.payloads ?? []) n += p.rows;
  return n;
}

export interface BlockWriter {
  /**
   * Stores the rows of the blocks as one insert per table. `token` identifies the batch: writing
   * the same rows again with the same token stores nothing twice (used when the WAL is replayed
   * after a crash mid-insert).
   */
  write(blocks: readonly EncodedBlock[], token: string): Promise<void>;
}

export interface StorageHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/** A state change of one alert: `pending`, `firing`, `resolved` (from firing) or `inactive` (a pending alert that went away). */
export interface AlertEvent {
  readonly time: number;
  /** The alerting rule (the alert's `alertname`). */
  readonly rule: string;
  /** The rule group, or '' for alerts received through the Alertmanager API. */
  readonly group: string;
  readonly fingerprint: string;
  readonly labels: Labels;
  readonly state: 'pending' | 'firing' | 'resolved' | 'inactive';
  readonly previous: string;
  readonly value: number;
  /** When the alert became active (this episode), ms. */
  readonly activeAt: number;
  readonly source: 'rule' | 'api';
}

/** One attempt to deliver a notification through one integration of a receiver. */
export interface NotificationAttempt {
  readonly time: number;
  readonly receiver: string;
  /** The integration type (`webhook`, `email`, …) and its index in the receiver, e.g. `webhook/0`. */
  readonly integration: string;
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly fingerprints: readonly string[];
  readonly rules: readonly string[];
  /** `sent`, `failed` (will be retried), `gave_up` (retries exhausted) or `dropped` (superseded or receiver gone). */
  readonly outcome: 'sent' | 'failed' | 'gave_up' | 'dropped';
  readonly error: string;
  readonly attempt: number;
}

export interface AlertEventQuery {
  readonly range: TimeRange;
  readonly rule?: string;
  /** Selectors on the alert's labels: all matchers of one set must match, any set may (none = all alerts). */
  readonly matcherSets: readonly (readonly LabelMatcher[])[];
  readonly limit: number;
}

export interface NotificationQuery {
  readonly range: TimeRange;
  readonly receiver?: string;
  readonly rule?: string;
  readonly outcome?: string;
  readonly limit: number;
}

/** Alerting history: written by the rule engine and the dispatcher, read by the API (newest first). */
export interface AlertHistoryStorage {
  writeAlertEvents(tenant: string, events: readonly AlertEvent[], token: string): Promise<void>;
  writeNotificationAttempts(tenant: string, attempts: readonly NotificationAttempt[], token: string): Promise<void>;
  alertEvents(tenant: string, q: AlertEventQuery): Promise<AlertEvent[]>;
  notificationAttempts(tenant: string, q: NotificationQuery): Promise<NotificationAttempt[]>;
}

/** A condition on one attribute: `key` in the record's attributes (`resource.<key>`: the resource's). */
export interface AttributeFilter {
  readonly key: string;
  readonly op: '=' | '!=' | '=~' | '!~' | 'exists' | '!exists';
  readonly value: string;
}

/** Which log records: every field set narrows the result. */
export interface LogQuery {
  readonly range: TimeRange;
  readonly services: readonly string[];
  /** Severity texts, case-insensitive (`error`, `warn`, …). */
  readonly severities: readonly string[];
  /** Words that must all appear in the body (case-insensitive, whole words). */
  readonly terms: readonly string[];
  /** Texts that must all appear in the body as they are (case-insensitive). */
  readonly phrases: readonly string[];
  readonly attributes: readonly AttributeFilter[];
  readonly traceId?: string;
  readonly spanId?: string;
}

/** A stored log record; times are nanoseconds since the epoch as decimal strings. */
export interface LogRecord {
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly severityText: string;
  readonly severityNumber: number;
  readonly serviceName: string;
  readonly body: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly scopeName: string;
  readonly logAttributes: Readonly<Record<string, string>>;
  readonly eventName: string;
  readonly truncated: boolean;
}

/** Where the next page of a newest-first listing starts: below `timeUnixNano`, after `skip` records at that time. */
export interface LogCursor {
  readonly timeUnixNano: string;
  readonly skip: number;
}

export interface LogsReader {
  /** Matching records newest first, `limit` at most, from `after` on; `next` when there may be more. */
  searchLogs(tenant: string, q: LogQuery, page: { limit: number; after?: LogCursor }): Promise<{ records: LogRecord[]; next?: LogCursor }>;
  /** Matching records per `stepMs` bucket (bucket start in ms), split by `by` when given. */
  logCounts(tenant: string, q: LogQuery, stepMs: number, by?: 'severity' | 'service'): Promise<{ time: number; key: string; count: number }[]>;
  /** The most frequent values of a field over matching records: `service`, `severity`, or an attribute key. */
  logFacet(tenant: string, q: LogQuery, field: string, limit: number): Promise<{ value: string; count: number }[]>;
}

/** Log streams as Loki selects them: stream matchers (`service_name` is the service, other names resource attributes) and line filters. */
export interface StreamSelection {
  readonly range: TimeRange;
  readonly matchers: readonly { name: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
  /** `|=` contains, `!=` does not contain (case-sensitive), `|~` / `!~` RE2 regex. */
  readonly lineFilters: readonly { op: '|=' | '!=' | '|~' | '!~'; value: string }[];
}

/** A log line with its stream: `labels` are the resource attributes plus `service_name`. */
export interface StreamLine {
  readonly timeUnixNano: string;
  readonly line: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface LogStreamsReader {
  /** Matching lines newest first (`backward`) or oldest first, `limit` at most. */
  streamLines(tenant: string, sel: StreamSelection, limit: number, direction: 'backward' | 'forward'): Promise<StreamLine[]>;
  /** Line count and bytes per stream and `resolutionMs` bucket (bucket start, ms). */
  streamCounts(tenant: string, sel: StreamSelection, resolutionMs: number): Promise<{ labels: Record<string, string>; bucket: number; count: number; bytes: number }[]>;
  /** Stream label names (and `service_name`) of streams with lines in the range. */
  streamLabelNames(tenant: string, range: TimeRange): Promise<string[]>;
  /** Values of one stream label in the range. */
  streamLabelValues(tenant: string, name: string, range: TimeRange): Promise<string[]>;
  /** Label sets of streams matching any of the selections' matchers. */
  streams(tenant: string, sels: readonly StreamSelection[], limit: number): Promise<Record<string, string>[]>;
}

/** A stored span; times and durations in nanoseconds as decimal strings. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  readonly kind: string;
  readonly serviceName: string;
  readonly startTimeUnixNano: string;
  readonly durationNano: string;
  readonly statusCode: string;
  readonly statusMessage: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly scopeName: string;
  readonly scopeVersion: string;
  readonly events: readonly { timeUnixNano: string; name: string; attributes: Readonly<Record<string, string>> }[];
  readonly links: readonly { traceId: string; spanId: string; traceState: string; attributes: Readonly<Record<string, string>> }[];
}

/** Which traces: a trace matches when one of its spans matches every field set. */
export interface TraceQuery {
  readonly range: TimeRange;
  readonly service?: string;
  readonly operation?: string;
  /** On span attributes (`resource.<key>`: resource attributes). */
  readonly attributes: readonly AttributeFilter[];
  readonly minDurationNano?: bigint;
  readonly maxDurationNano?: bigint;
  readonly status?: 'Unset' | 'Ok' | 'Error';
  readonly limit: number;
}

/** One trace as a search result lists it. */
export interface TraceSummary {
  readonly traceId: string;
  readonly startTimeUnixNano: string;
  readonly durationNano: string;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly services: readonly string[];
  /** The span without a parent (or the earliest), '' if none was stored. */
  readonly rootService: string;
  readonly rootName: string;
}

export interface TracesReader {
  /** Every stored span of the trace, in start order (empty when unknown). */
  trace(tenant: string, traceId: string): Promise<SpanRecord[]>;
  /** Traces with a matching span, newest first. */
  searchTraces(tenant: string, q: TraceQuery): Promise<TraceSummary[]>;
  /** Services with spans in the range, sorted. */
  services(tenant: string, range: TimeRange): Promise<string[]>;
  /** Span names (with kinds) of a service in the range, sorted. */
  operations(tenant: string, service: string, range: TimeRange): Promise<{ name: string; kind: string }[]>;
  /** Calls between services: spans in the range whose parent span belongs to another service, counted per pair. */
  dependencies(tenant: string, range: TimeRange): Promise<{ parent: string; child: string; callCount: number }[]>;
}

/** An issue: the error events of one fingerprint in one project. Times in ms. */
export interface IssueSummary {
  readonly project: string;
  readonly fingerprint: string;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  readonly users: number;
  readonly releases: readonly string[];
  readonly environments: readonly string[];
  /** `unresolved`, `resolved` or `ignored`; a resolved issue with later events is `unresolved` and `regressed`. */
  readonly status: 'unresolved' | 'resolved' | 'ignored';
  readonly regressed: boolean;
}

export interface IssueQuery {
  readonly range: TimeRange;
  readonly project?: string;
  readonly fingerprint?: string;
  readonly status?: 'unresolved' | 'resolved' | 'ignored';
  readonly level?: string;
  readonly environment?: string;
  readonly release?: string;
  /** Words in the title, culprit or message (case-insensitive substring). */
  readonly text?: string;
  readonly sort: 'last_seen' | 'count' | 'users' | 'first_seen';
  readonly limit: number;
}

/** One stored error event; `event` is the whole event as received (stack traces, breadcrumbs, contexts). */
export interface ErrorEventRecord {
  readonly project: string;
  readonly fingerprint: string;
  readonly eventId: string;
  readonly time: number;
  readonly title: string;
  readonly level: string;
  readonly release: string;
  readonly environment: string;
  readonly user: { readonly id: string; readonly email: string; readonly ip: string; readonly name: string };
  readonly tags: Readonly<Record<string, string>>;
  readonly event: unknown;
}

export interface ErrorsStorage {
  issues(tenant: string, q: IssueQuery): Promise<IssueSummary[]>;
  /** Newest first. */
  issueEvents(tenant: string, project: string, fingerprint: string, limit: number): Promise<ErrorEventRecord[]>;
  /** Events per `stepMs` bucket (bucket start, ms). */
  issueCounts(tenant: string, project: string, fingerprint: string, range: TimeRange, stepMs: number): Promise<{ time: number; count: number }[]>;
  setIssueStatus(tenant: string, project: string, fingerprint: string, status: 'unresolved' | 'resolved' | 'ignored', release: string, at: number): Promise<void>;
}

/** A condition on an event property (nested keys joined with `.`). */
export interface PropertyFilter {
  readonly key: string;
  readonly op: '=' | '!=' | '=~' | '!~' | '>' | '>=' | '<' | '<=' | 'exists';
  readonly value: string;
}

export type Interval = 'hour' | 'day' | 'week' | 'month';

export interface TrendQuery {
  readonly event: string;
  readonly range: TimeRange;
  readonly interval: Interval;
  /** Events, unique people, or the sum / average of a numeric `property`. */
  readonly measure: 'count' | 'users' | 'sum' | 'avg';
  readonly property?: string;
  readonly breakdown?: string;
  readonly filters: readonly PropertyFilter[];
}

export interface FunnelQuery {
  readonly steps: readonly { event: string; filters: readonly PropertyFilter[] }[];
  readonly range: TimeRange;
  /** Each person must complete the steps, in order, within this long of the first. */
  readonly windowMs: number;
  /** A property of the first step's event to split by. */
  readonly breakdown?: string;
}

export interface FunnelResult {
  readonly breakdown: string;
  /** People who reached each step (in order, within the window). */
  readonly counts: readonly number[];
}

export interface RetentionQuery {
  /** The event that puts a person into the cohort of its period (their first in the range). */
  readonly startEvent: string;
  /** The event that counts as coming back. */
  readonly returnEvent: string;
  readonly period: 'day' | 'week' | 'month';
  readonly periods: number;
  /** Cohorts are formed from start events in this range. */
  readonly range: TimeRange;
}

export interface AnalyticsReader {
  /** One value per interval start (ms) and breakdown value ('' without breakdown). */
  trend(tenant: string, q: TrendQuery): Promise<{ time: number; breakdown: string; value: number }[]>;
  funnel(tenant: string, q: FunnelQuery): Promise<FunnelResult[]>;
  /** Per cohort (period start, ms): its size and how many of it did the return event in period 0, 1, … */
  retention(tenant: string, q: RetentionQuery): Promise<{ cohort: number; size: number; returned: number[] }[]>;
}

/** The whole storage module as the composition root sees it. */
export interface MetricsStorage extends MetricsReader, BlockWriter, AlertHistoryStorage, LogsReader, LogStreamsReader, TracesReader, ErrorsStorage, AnalyticsReader {
  /** Applies pending schema migrations; idempotent. */
  migrate(): Promise<void>;
  /** A cheap round trip to the engine. */
  health(): Promise<StorageHealth>;
  /** Runs `OPTIMIZE … FINAL` and returns bytes on disk per stored sample (benchmarks, tests). */
  compactAndMeasure(): Promise<{ samples: number; bytesOnDisk: number }>;
  close(): Promise<void>;
}
