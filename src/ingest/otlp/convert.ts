import { LogRowWriter } from '../../storage/log-rows.js';
import type { TablePayload } from '../../storage/row-tables.js';
import { SpanRowWriter } from '../../storage/span-rows.js';
import { severityTextOf, SPAN_KINDS, STATUS_CODES, type OtlpBatch, type OtlpLog, type OtlpSpan, type Pairs } from './model.js';

/** What logs and spans may look like before they are refused or cut. */
export interface EventLimits {
  /** Longer bodies are cut to this many bytes (and the row flagged `Truncated`). */
  maxBodyBytes: number;
  /** Longer attribute values are cut the same way. */
  maxAttributeBytes: number;
  /** Records older than this, or further in the future than `maxFutureMs`, are refused. */
  maxAgeMs: number;
  maxFutureMs: number;
}

/** Rows ready for the WAL, and what was refused (counts and the first few reasons). */
export interface Converted {
  payloads: TablePayload[];
  accepted: number;
  rejected: number;
  errors: string[];
}

const HEX = /^[0-9a-f]*$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const MAX_ERRORS = 10;

/** `s` cut to at most `max` UTF-8 bytes, on a character boundary. */
function cut(s: string, max: number): string {
  if (s.length * 3 <= max || Buffer.byteLength(s) <= max) return s;
  const t = Buffer.from(s).toString('utf8', 0, max);
  return t.endsWith('\uFFFD') ? t.slice(0, -1) : t;
}

class Checker {
  truncated = false;
  readonly errors: string[] = [];
  rejected = 0;
  private readonly nowNs: bigint;

  constructor(private readonly limits: EventLimits, nowMs: number) {
    this.nowNs = BigInt(Math.round(nowMs)) * 1_000_000n;
  }

  refuse(message: string): void {
    this.rejected++;
    if (this.errors.length < MAX_ERRORS) this.errors.push(message);
  }

  text(s: string, max: number): string {
    const out = cut(s, max);
    if (out !== s) this.truncated = true;
    return out;
  }

  pairs(p: Pairs): Pairs {
    for (const kv of p) kv[1] = this.text(kv[1], this.limits.maxAttributeBytes);
    return p;
  }

  /** An id of `bytes` bytes as hex, or '' (when allowed); false when malformed. */
  id(hex: string, bytes: number, zero: string, optional: boolean): string | false {
    if (hex === '' || hex === zero) return optional ? '' : false;
    return hex.length === bytes * 2 && HEX.test(hex) ? hex : false;
  }

  /** Why the time is outside the accepted window, or '' when it is inside. */
  window(ns: bigint): string {
    const ageMs = Number((this.nowNs - ns) / 1_000_000n);
    if (ageMs > this.limits.maxAgeMs) return `timestamp ${new Date(Number(ns / 1_000_000n)).toISOString()} is older than the accepted ${this.limits.maxAgeMs / 1000} s`;
    if (-ageMs > this.limits.maxFutureMs) return `timestamp ${new Date(Number(ns / 1_000_000n)).toISOString()} is more than ${this.limits.maxFutureMs / 1000} s in the future`;
    return '';
  }

  get now(): bigint {
    return this.nowNs;
  }
}

const serviceOf = (attributes: Pairs) => attributes.find(([k]) => k === 'service.name')?.[1] ?? '';

/**
 * OTLP log records as `logs` rows of `tenant`: times default to the observed time, then to now;
 * severity text to the severity number's name; the service from the resource's `service.name`.
 * Records with malformed ids or times outside the window are refused; over-long bodies and
 * attribute values are cut and flagged.
 */
export function logRows(tenant: string, batch: OtlpBatch<OtlpLog>, limits: EventLimits, nowMs: number): Converted {
  const c = new Checker(limits, nowMs);
  const w = new LogRowWriter(tenant);
  let index = 0;
  for (const { resource, scopes } of batch.resources) {
    const resourceAttributes = c.pairs(resource.attributes);
    const resourceTruncated = c.truncated;
    const serviceName = serviceOf(resourceAttributes);
    for (const { scope, items } of scopes) {
      const scopeAttributes = c.pairs(scope.attributes);
      const scopeTruncated = c.truncated;
      for (const l of items) {
        const at = index++;
        const traceId = c.id(l.traceId, 16, ZERO_TRACE, true);
        const spanId = c.id(l.spanId, 8, ZERO_SPAN, true);
        if (traceId === false || spanId === false) {
          c.refuse(`log record ${at}: ${traceId === false ? `trace id "${l.traceId}" is not 16 bytes of hex` : `span id "${l.spanId}" is not 8 bytes of hex`}`);
          continue;
        }
        const observedNs = l.observedNs || c.now;
        const timestampNs = l.timeNs || observedNs;
        const outside = c.window(timestampNs);
        if (outside) {
          c.refuse(`log record ${at}: ${outside}`);
          continue;
        }
        c.truncated = resourceTruncated || scopeTruncated;
        const body = c.text(l.body, limits.maxBodyBytes);
        w.add({
          timestampNs, observedNs, traceId, spanId, traceFlags: l.flags & 0xff,
          severityText: l.severityText || severityTextOf(l.severityNumber), severityNumber: Math.min(255, Math.max(0, l.severityNumber)),
          serviceName, body, resourceSchemaUrl: resource.schemaUrl, resourceAttributes, scopeSchemaUrl: scope.schemaUrl,
          scopeName: scope.name, scopeVersion: scope.version, scopeAttributes, logAttributes: c.pairs(l.attributes), eventName: l.eventName,
          truncated: c.truncated,
        });
      }
    }
  }
  return { payloads: w.finish(), accepted: w.rows, rejected: c.rejected, errors: c.errors };
}

/**
 * OTLP spans as `spans` (and `trace_index`) rows of `tenant`. Spans need a trace id, a span id
 * and a start time inside the window, and may not end before they start.
 */
export function spanRows(tenant: string, batch: OtlpBatch<OtlpSpan>, limits: EventLimits, nowMs: number): Converted {
  const c = new Checker(limits, nowMs);
  const w = new SpanRowWriter(tenant);
  let index = 0;
  for (const { resource, scopes } of batch.resources) {
    const resourceAttributes = c.pairs(resource.attributes);
    const serviceName = serviceOf(resourceAttributes);
    for (const { scope, items } of scopes) {
      for (const s of items) {
        const at = `span ${index++}${s.name ? ` "${s.name}"` : ''}`;
        const traceId = c.id(s.traceId, 16, ZERO_TRACE, false);
        const spanId = c.id(s.spanId, 8, ZERO_SPAN, false);
        const parentSpanId = c.id(s.parentSpanId, 8, ZERO_SPAN, true);
        if (traceId === false || spanId === false || parentSpanId === false) {
          const which = traceId === false ? `trace id "${s.traceId}" is not 16 bytes of hex` : spanId === false ? `span id "${s.spanId}" is not 8 bytes of hex` : `parent span id "${s.parentSpanId}" is not 8 bytes of hex`;
          c.refuse(`${at}: ${which}`);
          continue;
        }
        if (s.startNs === 0n) {
          c.refuse(`${at}: no start time`);
          continue;
        }
        const outside = c.window(s.startNs);
        if (outside) {
          c.refuse(`${at}: ${outside}`);
          continue;
        }
        if (s.endNs < s.startNs) {
          c.refuse(`${at}: ends before it starts`);
          continue;
        }
        c.truncated = false;
        w.add({
          startNs: s.startNs, traceId, spanId, parentSpanId, traceState: s.traceState, name: c.text(s.name, limits.maxAttributeBytes),
          kind: SPAN_KINDS[s.kind] ?? 'Unspecified', serviceName, resourceAttributes, scopeName: scope.name, scopeVersion: scope.version,
          attributes: c.pairs(s.attributes), durationNs: s.endNs - s.startNs,
          statusCode: STATUS_CODES[s.statusCode] ?? 'Unset', statusMessage: c.text(s.statusMessage, limits.maxAttributeBytes),
          events: s.events.map((e) => ({ timeNs: e.timeNs, name: e.name, attributes: c.pairs(e.attributes) })),
          links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: c.pairs(l.attributes) })),
          truncated: c.truncated,
        });
      }
    }
  }
  return { payloads: w.finish(), accepted: w.rows, rejected: c.rejected, errors: c.errors };
}
