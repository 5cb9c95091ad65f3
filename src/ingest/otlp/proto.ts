import { ProtobufError, Reader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../remote-write/protobuf.js';
import { anyValueText, type AnyValue, type OtlpBatch, type OtlpLog, type OtlpResource, type OtlpScope, type OtlpSpan, type Pairs } from './model.js';

/*
 * Hand-written readers of OTLP protobuf requests (field numbers from opentelemetry-proto, see
 * PROTOCOLS.md §3.3). Unknown fields are skipped; a wrong wire type for a known field, or bytes
 * that are not protobuf, throw ProtobufError.
 */

export type Field = (r: Reader, field: number, wire: number) => boolean;

/** Reads the message in [start, end), handing each field to `f`; fields `f` does not take are skipped. */
function message(buf: Buffer, start: number, end: number, f: Field): void {
  const r = new Reader(buf, start, end);
  while (!r.done) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new ProtobufError(`invalid field number 0 at byte ${r.pos}`);
    if (!f(r, field, wire)) r.skip(wire);
  }
}

function expect(wire: number, want: number, what: string, r: Reader): void {
  if (wire !== want) throw new ProtobufError(`${what}: wire type ${wire}, expected ${want} (at byte ${r.pos})`);
}

export function sub(r: Reader, wire: number, what: string, f: Field): void {
  expect(wire, WIRE_LEN, what, r);
  const [s, e] = r.bytesRange();
  message(r.buf, s, e, f);
}

export function fixed64(r: Reader, wire: number, what: string): bigint {
  expect(wire, WIRE_I64, what, r);
  if (r.pos + 8 > r.end) throw new ProtobufError(`${what}: truncated at byte ${r.pos}`);
  const v = r.buf.readBigUInt64LE(r.pos);
  r.pos += 8;
  return v;
}

function hex(r: Reader, wire: number, what: string): string {
  expect(wire, WIRE_LEN, what, r);
  const [s, e] = r.bytesRange();
  return r.buf.toString('hex', s, e);
}

export function text(r: Reader, wire: number, what: string): string {
  expect(wire, WIRE_LEN, what, r);
  return r.string();
}

export function varint(r: Reader, wire: number, what: string): number {
  expect(wire, WIRE_VARINT, what, r);
  return r.uint32();
}

export function anyValue(r: Reader, wire: number): AnyValue {
  expect(wire, WIRE_LEN, 'AnyValue', r);
  const [s, e] = r.bytesRange();
  return anyValueAt(r.buf, s, e);
}

/** The AnyValue message in buf[start, end). */
export function anyValueAt(buf: Buffer, start: number, end: number): AnyValue {
  let v: AnyValue = { kind: 'empty' };
  message(buf, start, end, (x, field, w) => {
    switch (field) {
      case 1: v = { kind: 'string', value: text(x, w, 'string_value') }; return true;
      case 2: v = { kind: 'bool', value: varint(x, w, 'bool_value') !== 0 }; return true;
      case 3: {
        expect(w, WIRE_VARINT, 'int_value', x);
        const start = x.pos;
        x.int64();
        v = { kind: 'int', value: varintBig(x.buf, start) };
        return true;
      }
      case 4: {
        expect(w, WIRE_I64, 'double_value', x);
        v = { kind: 'double', value: x.buf.readDoubleLE(x.pos) };
        x.pos += 8;
        return true;
      }
      case 5: {
        const list: AnyValue[] = [];
        sub(x, w, 'array_value', (y, f2, w2) => (f2 === 1 ? (list.push(anyValue(y, w2)), true) : false));
        v = { kind: 'array', value: list };
        return true;
      }
      case 6: {
        const list: [string, AnyValue][] = [];
        sub(x, w, 'kvlist_value', (y, f2, w2) => (f2 === 1 ? (list.push(keyValue(y, w2)), true) : false));
        v = { kind: 'kvlist', value: list };
        return true;
      }
      case 7: {
        expect(w, WIRE_LEN, 'bytes_value', x);
        const [s, e] = x.bytesRange();
        v = { kind: 'bytes', value: x.buf.subarray(s, e) };
        return true;
      }
      default: return false;
    }
  });
  return v;
}

/** A signed varint as a bigint (int64 two's complement). */
function varintBig(buf: Buffer, start: number): bigint {
  let v = 0n;
  let shift = 0n;
  for (let p = start; ; p++) {
    const b = buf[p]!;
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  return BigInt.asIntN(64, v);
}

function keyValue(r: Reader, wire: number): [string, AnyValue] {
  let key = '';
  let value: AnyValue = { kind: 'empty' };
  sub(r, wire, 'KeyValue', (x, field, w) => {
    if (field === 1) key = text(x, w, 'key');
    else if (field === 2) value = anyValue(x, w);
    else return false;
    return true;
  });
  return [key, value];
}

export function attribute(r: Reader, wire: number, into: Pairs): void {
  const [k, v] = keyValue(r, wire);
  into.push([k, anyValueText(v)]);
}

function resource(r: Reader, wire: number): OtlpResource {
  const out: OtlpResource = { attributes: [], schemaUrl: '' };
  sub(r, wire, 'Resource', (x, field, w) => (field === 1 ? (attribute(x, w, out.attributes), true) : false));
  return out;
}

function scope(r: Reader, wire: number): OtlpScope {
  const out: OtlpScope = { name: '', version: '', attributes: [], schemaUrl: '' };
  sub(r, wire, 'InstrumentationScope', (x, field, w) => {
    if (field === 1) out.name = text(x, w, 'name');
    else if (field === 2) out.version = text(x, w, 'version');
    else if (field === 3) attribute(x, w, out.attributes);
    else return false;
    return true;
  });
  return out;
}

/**
 * Reads `resource_<x>s` (field 1) of an Export*ServiceRequest: each resource (1), its scopes
 * (field 2: scope 1, items 2, schema_url 3) and its schema_url (3).
 */
export function batch<T>(body: Buffer, item: (r: Reader, wire: number) => T): OtlpBatch<T> {
  const out: OtlpBatch<T> = { resources: [] };
  message(body, 0, body.length, (r, field, wire) => {
    if (field !== 1) return false;
    const entry: OtlpBatch<T>['resources'][number] = { resource: { attributes: [], schemaUrl: '' }, scopes: [] };
    let schemaUrl = '';
    sub(r, wire, 'Resource*', (x, f, w) => {
      if (f === 1) entry.resource = resource(x, w);
      else if (f === 3) schemaUrl = text(x, w, 'schema_url');
      else if (f === 2) {
        const s: { scope: OtlpScope; items: T[] } = { scope: { name: '', version: '', attributes: [], schemaUrl: '' }, items: [] };
        let scopeUrl = '';
        sub(x, w, 'Scope*', (y, f2, w2) => {
          if (f2 === 1) s.scope = scope(y, w2);
          else if (f2 === 2) s.items.push(item(y, w2));
          else if (f2 === 3) scopeUrl = text(y, w2, 'schema_url');
          else return false;
          return true;
        });
        s.scope.schemaUrl = scopeUrl;
        entry.scopes.push(s);
      } else return false;
      return true;
    });
    entry.resource.schemaUrl = schemaUrl;
    out.resources.push(entry);
    return true;
  });
  return out;
}

/** An ExportLogsServiceRequest. */
export function decodeLogsProto(body: Buffer): OtlpBatch<OtlpLog> {
  return batch(body, (r, wire) => {
    const l: OtlpLog = { timeNs: 0n, observedNs: 0n, severityNumber: 0, severityText: '', body: '', attributes: [], flags: 0, traceId: '', spanId: '', eventName: '' };
    sub(r, wire, 'LogRecord', (x, field, w) => {
      switch (field) {
        case 1: l.timeNs = fixed64(x, w, 'time_unix_nano'); return true;
        case 2: l.severityNumber = varint(x, w, 'severity_number'); return true;
        case 3: l.severityText = text(x, w, 'severity_text'); return true;
        case 5: l.body = anyValueText(anyValue(x, w)); return true;
        case 6: attribute(x, w, l.attributes); return true;
        case 8: expect(w, WIRE_I32, 'flags', x); l.flags = x.buf.readUInt32LE(x.pos); x.pos += 4; return true;
        case 9: l.traceId = hex(x, w, 'trace_id'); return true;
        case 10: l.spanId = hex(x, w, 'span_id'); return true;
        case 11: l.observedNs = fixed64(x, w, 'observed_time_unix_nano'); return true;
        case 12: l.eventName = text(x, w, 'event_name'); return true;
        default: return false;
      }
    });
    return l;
  });
}

/** An ExportTraceServiceRequest. */
export function decodeTracesProto(body: Buffer): OtlpBatch<OtlpSpan> {
  return batch(body, (r, wire) => {
    const s: OtlpSpan = { traceId: '', spanId: '', traceState: '', parentSpanId: '', name: '', kind: 0, startNs: 0n, endNs: 0n, attributes: [], events: [], links: [], statusCode: 0, statusMessage: '' };
    sub(r, wire, 'Span', (x, field, w) => {
      switch (field) {
        case 1: s.traceId = hex(x, w, 'trace_id'); return true;
        case 2: s.spanId = hex(x, w, 'span_id'); return true;
        case 3: s.traceState = text(x, w, 'trace_state'); return true;
        case 4: s.parentSpanId = hex(x, w, 'parent_span_id'); return true;
        case 5: s.name = text(x, w, 'name'); return true;
        case 6: s.kind = varint(x, w, 'kind'); return true;
        case 7: s.startNs = fixed64(x, w, 'start_time_unix_nano'); return true;
        case 8: s.endNs = fixed64(x, w, 'end_time_unix_nano'); return true;
        case 9: attribute(x, w, s.attributes); return true;
        case 11: {
          const e = { timeNs: 0n, name: '', attributes: [] as Pairs };
          sub(x, w, 'Span.Event', (y, f2, w2) => {
            if (f2 === 1) e.timeNs = fixed64(y, w2, 'time_unix_nano');
            else if (f2 === 2) e.name = text(y, w2, 'name');
            else if (f2 === 3) attribute(y, w2, e.attributes);
            else return false;
            return true;
          });
          s.events.push(e);
          return true;
        }
        case 13: {
          const l = { traceId: '', spanId: '', traceState: '', attributes: [] as Pairs };
          sub(x, w, 'Span.Link', (y, f2, w2) => {
            if (f2 === 1) l.traceId = hex(y, w2, 'trace_id');
            else if (f2 === 2) l.spanId = hex(y, w2, 'span_id');
            else if (f2 === 3) l.traceState = text(y, w2, 'trace_state');
            else if (f2 === 4) attribute(y, w2, l.attributes);
            else return false;
            return true;
          });
          s.links.push(l);
          return true;
        }
        case 15:
          sub(x, w, 'Status', (y, f2, w2) => {
            if (f2 === 2) s.statusMessage = text(y, w2, 'message');
            else if (f2 === 3) s.statusCode = varint(y, w2, 'code');
            else return false;
            return true;
          });
          return true;
        default: return false;
      }
    });
    return s;
  });
}

/**
 * The protobuf Export*ServiceResponse: empty on full success, else `partial_success` (1) with
 * the rejected count (1, int64) and the message (2).
 */
export function encodePartialSuccess(rejected: number, message: string): Buffer {
  if (rejected === 0 && message === '') return Buffer.alloc(0);
  const msg = Buffer.from(message);
  const inner: number[] = [];
  const varintOf = (n: number, out: number[]) => {
    let v = n;
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  if (rejected > 0) {
    inner.push(0x08);
    varintOf(rejected, inner);
  }
  const innerBuf = Buffer.concat([Buffer.from(inner), ...(msg.length > 0 ? [Buffer.from([0x12]), Buffer.from(lenOf(msg.length)), msg] : [])]);
  return Buffer.concat([Buffer.from([0x0a]), Buffer.from(lenOf(innerBuf.length)), innerBuf]);

  function lenOf(n: number): number[] {
    const out: number[] = [];
    varintOf(n, out);
    return out;
  }
}
