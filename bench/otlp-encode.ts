/**
 * A small OTLP protobuf encoder for the benchmarks (field numbers from opentelemetry-proto):
 * fast enough to prepare millions of log records or spans before the clock starts.
 */
function varint(n: number | bigint): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const tag = (field: number, wire: number) => varint((field << 3) | wire);
const bytes = (field: number, b: Buffer) => Buffer.concat([tag(field, 2), varint(b.length), b]);
const str = (field: number, s: string) => bytes(field, Buffer.from(s));
function fixed64(field: number, v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return Buffer.concat([tag(field, 1), b]);
}
const uint = (field: number, v: number) => Buffer.concat([tag(field, 0), varint(v)]);
/** KeyValue messages with string values, each as field `field`. */
const attributes = (field: number, attrs: Record<string, string>) => Buffer.concat(Object.entries(attrs).map(([k, v]) => bytes(field, Buffer.concat([str(1, k), bytes(2, str(1, v))]))));

export interface BenchLog {
  timeNs: bigint;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: Buffer;
  spanId: Buffer;
}

export interface BenchSpan {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string>;
  error: boolean;
}

function resource(service: string): Buffer {
  return bytes(1, attributes(1, { 'service.name': service }));
}

/** An ExportLogsServiceRequest: one resource per service, one scope each. */
export function encodeLogs(byService: Map<string, BenchLog[]>): Buffer {
  const parts: Buffer[] = [];
  for (const [service, logs] of byService) {
    const records = logs.map((l) => bytes(2, Buffer.concat([
      fixed64(1, l.timeNs), uint(2, l.severityNumber), str(3, l.severityText), bytes(5, str(1, l.body)), bytes(9, l.traceId), bytes(10, l.spanId), fixed64(11, l.timeNs),
    ])));
    const scope = bytes(2, Buffer.concat([bytes(1, str(1, 'bench')), ...records]));
    parts.push(bytes(1, Buffer.concat([resource(service), scope])));
  }
  return Buffer.concat(parts);
}

/** An ExportTraceServiceRequest: one resource per service, one scope each. */
export function encodeSpans(byService: Map<string, BenchSpan[]>): Buffer {
  const parts: Buffer[] = [];
  for (const [service, spans] of byService) {
    const records = spans.map((s) => bytes(2, Buffer.concat([
      bytes(1, s.traceId), bytes(2, s.spanId), ...(s.parentSpanId ? [bytes(4, s.parentSpanId)] : []), str(5, s.name), uint(6, s.kind),
      fixed64(7, s.startNs), fixed64(8, s.endNs), attributes(9, s.attributes), ...(s.error ? [bytes(15, uint(3, 2))] : []),
    ])));
    const scope = bytes(2, Buffer.concat([bytes(1, str(1, 'bench')), ...records]));
    parts.push(bytes(1, Buffer.concat([resource(service), scope])));
  }
  return Buffer.concat(parts);
}
