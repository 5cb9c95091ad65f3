import type { TimeRange } from './interface.js';

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
