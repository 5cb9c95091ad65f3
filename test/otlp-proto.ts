import protobuf from 'protobufjs';

/**
 * An independent OTLP encoder and response decoder for tests (protobufjs reflection, not our
 * hand-written reader). Field numbers from opentelemetry-proto (PROTOCOLS.md §3.3).
 */
const root = protobuf.parse(`
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Scope { string name = 1; string version = 2; }
message LogsRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ScopeLogs { Scope scope = 1; repeated LogRecord log_records = 2; }
message LogRecord { fixed64 time_unix_nano = 1; int32 severity_number = 2; string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6; bytes trace_id = 9; bytes span_id = 10; fixed64 observed_time_unix_nano = 11; }
message PartialSuccess { int64 rejected = 1; string error_message = 2; }
message Response { PartialSuccess partial_success = 1; }
`).root;

const LogsRequest = root.lookupType('otlp.LogsRequest');
/** protobufjs's Long (from the `long` package it depends on) for exact 64-bit values. */
const Long = protobuf.util.Long as unknown as { fromString(s: string, unsigned?: boolean): unknown };
const Response = root.lookupType('otlp.Response');

export interface TestLog {
  timeNs: bigint;
  body: unknown;
  severityNumber?: number;
  traceId?: Buffer;
  spanId?: Buffer;
  attributes?: Record<string, unknown>;
}

function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint') return { intValue: Long.fromString(String(v)) };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (Buffer.isBuffer(v)) return { bytesValue: v };
  return { kvlistValue: { values: Object.entries(v as Record<string, unknown>).map(([key, x]) => ({ key, value: anyValue(x) })) } };
}

/** An ExportLogsServiceRequest with one resource (`service.name` = service) and one scope. */
export function encodeLogs(service: string, logs: readonly TestLog[]): Buffer {
  const msg = LogsRequest.fromObject({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{
        scope: { name: 'test', version: '1' },
        logRecords: logs.map((l) => ({
          timeUnixNano: Long.fromString(String(l.timeNs), true),
          severityNumber: l.severityNumber ?? 9,
          body: anyValue(l.body),
          attributes: Object.entries(l.attributes ?? {}).map(([key, v]) => ({ key, value: anyValue(v) })),
          ...(l.traceId ? { traceId: l.traceId } : {}),
          ...(l.spanId ? { spanId: l.spanId } : {}),
        })),
      }],
    }],
  });
  return Buffer.from(LogsRequest.encode(msg).finish());
}

/** The partial success of a protobuf Export*ServiceResponse ({} when the body is empty). */
export function decodeResponse(body: Buffer): { rejected?: number; errorMessage?: string } {
  const o = Response.toObject(Response.decode(body), { longs: Number }) as { partialSuccess?: { rejected?: number; errorMessage?: string } };
  return o.partialSuccess ?? {};
}
