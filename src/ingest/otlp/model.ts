/**
 * OTLP logs and traces as both decoders (protobuf and JSON) hand them over: plain values, ids as
 * lowercase hex ('' when absent), times in nanoseconds, attribute values already turned into
 * strings the way the OpenTelemetry ClickHouse exporter does (see anyValueText).
 */
export type Pairs = [string, string][];

export interface OtlpResource {
  attributes: Pairs;
  schemaUrl: string;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: Pairs;
  schemaUrl: string;
}

export interface OtlpLog {
  timeNs: bigint;
  observedNs: bigint;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Pairs;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Pairs;
  events: { timeNs: bigint; name: string; attributes: Pairs }[];
  links: { traceId: string; spanId: string; traceState: string; attributes: Pairs }[];
  statusCode: number;
  statusMessage: string;
}

/** Records grouped as OTLP groups them: per resource, per scope. */
export interface OtlpBatch<T> {
  resources: { resource: OtlpResource; scopes: { scope: OtlpScope; items: T[] }[] }[];
}

/** An AnyValue as the decoders see it, before it is turned into text. */
export type AnyValue =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'bytes'; value: Buffer }
  | { kind: 'array'; value: AnyValue[] }
  | { kind: 'kvlist'; value: [string, AnyValue][] }
  | { kind: 'empty' };

/**
 * An AnyValue as text: strings as they are, booleans and numbers in decimal, bytes in base64,
 * arrays and key-value lists as JSON (nested values as JSON values).
 */
export function anyValueText(v: AnyValue): string {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'bool':
    case 'int':
    case 'double':
      return String(v.value);
    case 'bytes':
      return v.value.toString('base64');
    case 'empty':
      return '';
    default:
      return JSON.stringify(anyValueJson(v));
  }
}

function anyValueJson(v: AnyValue): unknown {
  switch (v.kind) {
    case 'array':
      return v.value.map(anyValueJson);
    case 'kvlist':
      return Object.fromEntries(v.value.map(([k, x]) => [k, anyValueJson(x)]));
    case 'int':
      return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : String(v.value);
    case 'bytes':
      return v.value.toString('base64');
    case 'double':
      return Number.isFinite(v.value) ? v.value : String(v.value);
    case 'empty':
      return null;
    default:
      return v.value;
  }
}

/** OpenTelemetry span kinds by their enum number. */
export const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
/** OpenTelemetry status codes by their enum number. */
export const STATUS_CODES = ['Unset', 'Ok', 'Error'] as const;

/** The severity text OpenTelemetry gives a severity number (1–4 TRACE … 21–24 FATAL). */
export function severityTextOf(n: number): string {
  if (n <= 0 || n > 24) return '';
  return ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'][Math.floor((n - 1) / 4)]!;
}

/** One data point of an OTLP metric (numbers, histogram or summary fields as the kind has them). */
export interface OtlpPoint {
  attributes: Pairs;
  startNs: bigint;
  timeNs: bigint;
  /** FLAG_NO_RECORDED_VALUE (bit 0): the series went away; stored as a staleness marker. */
  flags: number;
  value: number;
  count: number;
  sum: number;
  bucketCounts: number[];
  bounds: number[];
  quantiles: { quantile: number; value: number }[];
}

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  kind: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary' | 'empty';
  monotonic: boolean;
  /** 1 delta, 2 cumulative, 0 unspecified. */
  temporality: number;
  points: OtlpPoint[];
}

/** A data point with nothing set yet. */
export function emptyPoint(): OtlpPoint {
  return { attributes: [], startNs: 0n, timeNs: 0n, flags: 0, value: 0, count: 0, sum: 0, bucketCounts: [], bounds: [], quantiles: [] };
}
