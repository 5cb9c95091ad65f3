import { ByteWriter } from '../../storage/byte-writer.js';
import { timeWindowProblem, type EventLimits, type Converted } from '../event-checker.js';
import { ProtobufError, Reader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../remote-write/protobuf.js';
import { anyValueText, severityTextOf } from './model.js';
import { anyValueAt } from './proto.js';

/*
 * The hot path of OTLP logs: an ExportLogsServiceRequest transcoded straight into `logs` rows
 * (RowBinary, layout in row-tables.ts) — string bytes are copied from the request, ids written
 * as hex, times copied as they are; no objects per record. Same rules as logRows in convert.ts
 * (which the JSON path uses), and tests hold both to the same answers.
 */

const MAX_ERRORS = 10;
const TWO32 = 4294967296;

/** Where a field's bytes are: [start, end), or start −1 when absent. */
interface Span {
  start: number;
  end: number;
}

function field(r: Reader): { field: number; wire: number } {
  const tag = r.uint32();
  return { field: tag >>> 3, wire: tag & 7 };
}

function need(wire: number, want: number, what: string, r: Reader): void {
  if (wire !== want) throw new ProtobufError(`${what}: wire type ${wire}, expected ${want} (at byte ${r.pos})`);
}

function len(r: Reader, wire: number, what: string): Span {
  need(wire, WIRE_LEN, what, r);
  const [start, end] = r.bytesRange();
  return { start, end };
}

/** The end of `src[start, end)` cut to at most `max` bytes on a UTF-8 character boundary. */
function cutEnd(src: Buffer, start: number, end: number, max: number): number {
  if (end - start <= max) return end;
  let e = start + max;
  while (e > start && (src[e]! & 0xc0) === 0x80) e--;
  return e;
}

/** Writes a String value of at most `max` bytes; true when it had to be cut. */
function cappedString(w: ByteWriter, src: Buffer, s: Span, max: number): boolean {
  const end = cutEnd(src, s.start, s.end, max);
  w.stringBytes(src, s.start, end);
  return end !== s.end;
}

function cappedText(w: ByteWriter, text: string, max: number): boolean {
  const b = Buffer.from(text);
  return cappedString(w, b, { start: 0, end: b.length }, max);
}

/**
 * Writes the KeyValue list fields `field` of the message in [start, end) as a Map(String,
 * String); values that are not strings become text as the slow path makes them. Returns true
 * when a value was cut.
 */
function attributes(w: ByteWriter, buf: Buffer, start: number, end: number, listField: number, max: number): boolean {
  const keys: Span[] = [];
  const values: (Span | string)[] = [];
  const r = new Reader(buf, start, end);
  while (!r.done) {
    const f = field(r);
    if (f.field !== listField) {
      r.skip(f.wire);
      continue;
    }
    const kv = len(r, f.wire, 'KeyValue');
    const x = new Reader(buf, kv.start, kv.end);
    let key: Span = { start: kv.start, end: kv.start };
    let value: Span | string = '';
    while (!x.done) {
      const g = field(x);
      if (g.field === 1) key = len(x, g.wire, 'key');
      else if (g.field === 2) {
        const v = len(x, g.wire, 'value');
        const y = new Reader(buf, v.start, v.end);
        // A string AnyValue (field 1) alone is copied; anything else goes the slow way.
        if (!y.done && buf[v.start] === 0x0a) {
          y.uint32();
          const s = len(y, WIRE_LEN, 'string_value');
          value = y.done ? s : anyValueText(anyValueAt(buf, v.start, v.end));
        } else {
          value = anyValueText(anyValueAt(buf, v.start, v.end));
        }
      } else x.skip(g.wire);
    }
    keys.push(key);
    values.push(value);
  }
  let cut = false;
  w.varint(keys.length);
  for (let i = 0; i < keys.length; i++) {
    w.stringBytes(buf, keys[i]!.start, keys[i]!.end);
    const v = values[i]!;
    cut = (typeof v === 'string' ? cappedText(w, v, max) : cappedString(w, buf, v, max)) || cut;
  }
  return cut;
}

/** The fields of one ResourceLogs or ScopeLogs message: what comes first is not fixed. */
function parts(buf: Buffer, s: Span): { head: Span | undefined; items: Span[]; schemaUrl: Span | undefined } {
  const out: { head: Span | undefined; items: Span[]; schemaUrl: Span | undefined } = { head: undefined, items: [], schemaUrl: undefined };
  const r = new Reader(buf, s.start, s.end);
  while (!r.done) {
    const f = field(r);
    if (f.field === 1) out.head = len(r, f.wire, 'resource/scope');
    else if (f.field === 2) out.items.push(len(r, f.wire, 'scope_logs/log_records'));
    else if (f.field === 3) out.schemaUrl = len(r, f.wire, 'schema_url');
    else r.skip(f.wire);
  }
  return out;
}

/** OTLP protobuf logs as `logs` rows of `tenant` (see logRows for the rules). */
export function transcodeLogs(tenant: string, body: Buffer, limits: EventLimits, nowMs: number): Converted {
  const w = new ByteWriter(body.length + (body.length >> 1) + 256);
  const tenantBytes = Buffer.from(tenant);
  const nowNs = BigInt(Math.round(nowMs)) * 1_000_000n;
  const minMs = nowMs - limits.maxAgeMs;
  const maxMs = nowMs + limits.maxFutureMs;
  const errors: string[] = [];
  let rows = 0;
  let rejected = 0;
  let index = 0;
  const refuse = (message: string) => {
    rejected++;
    if (errors.length < MAX_ERRORS) errors.push(message);
  };
  const top = new Reader(body);
  while (!top.done) {
    const f = field(top);
    if (f.field !== 1) {
      top.skip(f.wire);
      continue;
    }
    const rl = parts(body, len(top, f.wire, 'ResourceLogs'));
    // Resource: its attributes as map bytes (once), and service.name.
    const res = new ByteWriter(256);
    let resCut = false;
    let service: Span | string = '';
    if (rl.head) {
      resCut = attributes(res, body, rl.head.start, rl.head.end, 1, limits.maxAttributeBytes);
      service = serviceName(body, rl.head);
    }
    const resBytes = res.finish();
    for (const scopeSpan of rl.items) {
      const sl = parts(body, scopeSpan);
      const scope = new ByteWriter(128);
      let scopeCut = false;
      let name: Span = { start: 0, end: 0 };
      let version: Span = { start: 0, end: 0 };
      if (sl.head) {
        const r = new Reader(body, sl.head.start, sl.head.end);
        while (!r.done) {
          const g = field(r);
          if (g.field === 1) name = len(r, g.wire, 'name');
          else if (g.field === 2) version = len(r, g.wire, 'version');
          else r.skip(g.wire);
        }
        scopeCut = attributes(scope, body, sl.head.start, sl.head.end, 3, limits.maxAttributeBytes);
      } else scope.varint(0);
      const scopeAttrs = scope.finish();
      for (const rec of sl.items) {
        const at = index++;
        let time = -1;
        let observed = -1;
        let sevNumber = 0;
        let sevText: Span | undefined;
        let bodyField: Span | undefined;
        let flags = 0;
        let traceId: Span | undefined;
        let spanId: Span | undefined;
        let eventName: Span | undefined;
        const r = new Reader(body, rec.start, rec.end);
        while (!r.done) {
          const g = field(r);
          switch (g.field) {
            case 1: need(g.wire, WIRE_I64, 'time_unix_nano', r); time = r.pos; r.pos += 8; break;
            case 2: need(g.wire, WIRE_VARINT, 'severity_number', r); sevNumber = r.uint32(); break;
            case 3: sevText = len(r, g.wire, 'severity_text'); break;
            case 5: bodyField = len(r, g.wire, 'body'); break;
            case 8: need(g.wire, WIRE_I32, 'flags', r); flags = body.readUInt32LE(r.pos); r.pos += 4; break;
            case 9: traceId = len(r, g.wire, 'trace_id'); break;
            case 10: spanId = len(r, g.wire, 'span_id'); break;
            case 11: need(g.wire, WIRE_I64, 'observed_time_unix_nano', r); observed = r.pos; r.pos += 8; break;
            case 12: eventName = len(r, g.wire, 'event_name'); break;
            default: r.skip(g.wire);
          }
          if (r.pos > r.end) throw new ProtobufError(`LogRecord ${at}: truncated`);
        }
        const traceLen = traceId ? traceId.end - traceId.start : 0;
        const spanLen = spanId ? spanId.end - spanId.start : 0;
        if ((traceLen !== 0 && traceLen !== 16) || (spanLen !== 0 && spanLen !== 8)) {
          refuse(`log record ${at}: ${traceLen !== 0 && traceLen !== 16 ? `trace id "${body.toString('hex', traceId!.start, traceId!.end)}" is not 16 bytes of hex` : `span id "${body.toString('hex', spanId!.start, spanId!.end)}" is not 8 bytes of hex`}`);
          continue;
        }
        const msAt = (p: number) => (p < 0 ? 0 : (body.readUInt32LE(p + 4) * TWO32 + body.readUInt32LE(p)) / 1e6);
        const observedMs = msAt(observed) || 0;
        const timeMs = msAt(time) || observedMs || nowMs;
        if (timeMs < minMs || timeMs > maxMs) {
          refuse(`log record ${at}: ${timeWindowProblem(timeMs, nowMs, limits)}`);
          continue;
        }
        w.stringBytes(tenantBytes, 0, tenantBytes.length);
        const writeTime = (p: number, fallback: number) => {
          if (p >= 0 && msAt(p) !== 0) w.raw(body, p, p + 8);
          else if (fallback >= 0 && msAt(fallback) !== 0) w.raw(body, fallback, fallback + 8);
          else w.int64(nowNs);
        };
        writeTime(time, observed);
        writeTime(observed, -1);
        if (traceLen === 16 && !zero(body, traceId!)) w.hexString(body, traceId!.start, traceId!.end);
        else w.varint(0);
        if (spanLen === 8 && !zero(body, spanId!)) w.hexString(body, spanId!.start, spanId!.end);
        else w.varint(0);
        w.uint8(flags & 0xff);
        if (sevText && sevText.end > sevText.start) w.stringBytes(body, sevText.start, sevText.end);
        else w.string(severityTextOf(sevNumber));
        w.uint8(Math.min(255, sevNumber));
        if (typeof service === 'string') w.string(service);
        else w.stringBytes(body, service.start, service.end);
        let cut = resCut || scopeCut;
        cut = writeBody(w, body, bodyField, limits.maxBodyBytes) || cut;
        if (rl.schemaUrl) w.stringBytes(body, rl.schemaUrl.start, rl.schemaUrl.end);
        else w.varint(0);
        w.raw(resBytes, 0, resBytes.length);
        if (sl.schemaUrl) w.stringBytes(body, sl.schemaUrl.start, sl.schemaUrl.end);
        else w.varint(0);
        w.stringBytes(body, name.start, name.end);
        w.stringBytes(body, version.start, version.end);
        w.raw(scopeAttrs, 0, scopeAttrs.length);
        cut = attributes(w, body, rec.start, rec.end, 6, limits.maxAttributeBytes) || cut;
        if (eventName) w.stringBytes(body, eventName.start, eventName.end);
        else w.varint(0);
        w.uint8(cut ? 1 : 0);
        rows++;
      }
    }
  }
  return { payloads: rows === 0 ? [] : [{ table: 'logs', rows, data: w.finish() }], accepted: rows, rejected, errors };
}

function zero(buf: Buffer, s: Span): boolean {
  for (let i = s.start; i < s.end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** The body AnyValue as a String (strings copied, anything else as text); true when cut. */
function writeBody(w: ByteWriter, buf: Buffer, s: Span | undefined, max: number): boolean {
  if (!s || s.end === s.start) {
    w.varint(0);
    return false;
  }
  const r = new Reader(buf, s.start, s.end);
  if (buf[s.start] === 0x0a) {
    r.uint32();
    const str = len(r, WIRE_LEN, 'string_value');
    if (r.done) return cappedString(w, buf, str, max);
  }
  return cappedText(w, anyValueText(anyValueAt(buf, s.start, s.end)), max);
}

/** The `service.name` string attribute of a Resource message, or ''. */
function serviceName(buf: Buffer, res: Span): Span | string {
  const r = new Reader(buf, res.start, res.end);
  while (!r.done) {
    const f = field(r);
    if (f.field !== 1) {
      r.skip(f.wire);
      continue;
    }
    const kv = len(r, f.wire, 'KeyValue');
    const x = new Reader(buf, kv.start, kv.end);
    let key: Span | undefined;
    let value: Span | undefined;
    while (!x.done) {
      const g = field(x);
      if (g.field === 1) key = len(x, g.wire, 'key');
      else if (g.field === 2) value = len(x, g.wire, 'value');
      else x.skip(g.wire);
    }
    if (!key || key.end - key.start !== 12 || buf.toString('latin1', key.start, key.end) !== 'service.name' || !value) continue;
    const y = new Reader(buf, value.start, value.end);
    if (buf[value.start] === 0x0a) {
      y.uint32();
      return len(y, WIRE_LEN, 'string_value');
    }
    return anyValueText(anyValueAt(buf, value.start, value.end));
  }
  return '';
}
