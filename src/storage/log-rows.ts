import { ByteWriter } from './byte-writer.js';
import type { TablePayload } from './row-tables.js';

type Pairs = readonly (readonly [string, string])[];

/** One log record as stored (OpenTelemetry names; times in nanoseconds since the epoch). */
export interface LogRow {
  timestampNs: bigint;
  observedNs: bigint;
  /** Lowercase hex, '' when absent. */
  traceId: string;
  spanId: string;
  traceFlags: number;
  severityText: string;
  /** OpenTelemetry severity number 0–24. */
  severityNumber: number;
  serviceName: string;
  body: string;
  resourceSchemaUrl: string;
  resourceAttributes: Pairs;
  scopeSchemaUrl: string;
  scopeName: string;
  scopeVersion: string;
  scopeAttributes: Pairs;
  logAttributes: Pairs;
  eventName: string;
  /** The body or an attribute was cut to the configured length. */
  truncated: boolean;
}

/** Encodes log rows of one tenant as RowBinary in the `logs` layout (see row-tables.ts). */
export class LogRowWriter {
  private readonly w = new ByteWriter(4096);
  private n = 0;

  constructor(private readonly tenant: string) {}

  get rows(): number {
    return this.n;
  }

  add(r: LogRow): void {
    const w = this.w;
    w.string(this.tenant);
    w.int64(r.timestampNs);
    w.int64(r.observedNs);
    w.string(r.traceId);
    w.string(r.spanId);
    w.uint8(r.traceFlags);
    w.string(r.severityText);
    w.uint8(r.severityNumber);
    w.string(r.serviceName);
    w.string(r.body);
    w.string(r.resourceSchemaUrl);
    w.pairs(r.resourceAttributes);
    w.string(r.scopeSchemaUrl);
    w.string(r.scopeName);
    w.string(r.scopeVersion);
    w.pairs(r.scopeAttributes);
    w.pairs(r.logAttributes);
    w.string(r.eventName);
    w.uint8(r.truncated ? 1 : 0);
    this.n++;
  }

  finish(): TablePayload[] {
    return this.n === 0 ? [] : [{ table: 'logs', rows: this.n, data: this.w.finish() }];
  }
}
