import type { TimeRange } from './interface.js';
import type { AttributeFilter } from './logs.js';

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
