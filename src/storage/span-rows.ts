import { ByteWriter } from './byte-writer.js';
import type { TablePayload } from './row-tables.js';

type Pairs = readonly (readonly [string, string])[];

/** One span as stored (OpenTelemetry names; times in nanoseconds since the epoch). */
export interface SpanRow {
  startNs: bigint;
  /** Lowercase hex. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  /** `Unspecified`, `Internal`, `Server`, `Client`, `Producer`, `Consumer`. */
  kind: string;
  serviceName: string;
  resourceAttributes: Pairs;
  scopeName: string;
  scopeVersion: string;
  attributes: Pairs;
  durationNs: bigint;
  /** `Unset`, `Ok`, `Error`. */
  statusCode: string;
  statusMessage: string;
  events: readonly { timeNs: bigint; name: string; attributes: Pairs }[];
  links: readonly { traceId: string; spanId: string; traceState: string; attributes: Pairs }[];
  truncated: boolean;
}

/**
 * Encodes spans of one tenant as RowBinary in the `spans` layout, and the first and last time
 * of each trace in the `trace_index` layout (the trace-id lookup table).
 */
export class SpanRowWriter {
  private readonly w = new ByteWriter(4096);
  private n = 0;
  private readonly traces = new Map<string, { start: bigint; end: bigint }>();

  constructor(private readonly tenant: string) {}

  get rows(): number {
    return this.n;
  }

  add(s: SpanRow): void {
    const w = this.w;
    w.string(this.tenant);
    w.int64(s.startNs);
    w.string(s.traceId);
    w.string(s.spanId);
    w.string(s.parentSpanId);
    w.string(s.traceState);
    w.string(s.name);
    w.string(s.kind);
    w.string(s.serviceName);
    w.pairs(s.resourceAttributes);
    w.string(s.scopeName);
    w.string(s.scopeVersion);
    w.pairs(s.attributes);
    w.int64(s.durationNs);
    w.string(s.statusCode);
    w.string(s.statusMessage);
    w.varint(s.events.length);
    for (const e of s.events) w.int64(e.timeNs);
    w.varint(s.events.length);
    for (const e of s.events) w.string(e.name);
    w.varint(s.events.length);
    for (const e of s.events) w.pairs(e.attributes);
    for (const key of ['traceId', 'spanId', 'traceState'] as const) {
      w.varint(s.links.length);
      for (const l of s.links) w.string(l[key]);
    }
    w.varint(s.links.length);
    for (const l of s.links) w.pairs(l.attributes);
    w.uint8(s.truncated ? 1 : 0);
    this.n++;
    const end = s.startNs + s.durationNs;
    const t = this.traces.get(s.traceId);
    if (!t) this.traces.set(s.traceId, { start: s.startNs, end });
    else {
      if (s.startNs < t.start) t.start = s.startNs;
      if (end > t.end) t.end = end;
    }
  }

  finish(): TablePayload[] {
    if (this.n === 0) return [];
    const idx = new ByteWriter(64 * this.traces.size + 16);
    for (const [id, t] of this.traces) {
      idx.string(this.tenant);
      idx.string(id);
      idx.int64(t.start);
      idx.int64(t.end);
    }
    return [{ table: 'spans', rows: this.n, data: this.w.finish() }, { table: 'trace_index', rows: this.traces.size, data: idx.finish() }];
  }
}
