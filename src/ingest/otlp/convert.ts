import { LogRowWriter } from '../../storage/log-rows.js';
import { SpanRowWriter } from '../../storage/span-rows.js';
import { Checker, ZERO_SPAN, ZERO_TRACE, type Converted, type EventLimits } from '../event-checker.js';
import type { SpanSample } from '../../traces/span-metrics.js';
import { severityTextOf, SPAN_KINDS, STATUS_CODES, type OtlpBatch, type OtlpLog, type OtlpSpan, type Pairs } from './model.js';

export type { Converted, EventLimits } from '../event-checker.js';

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
  const samples: SpanSample[] = [];
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
        const kind = SPAN_KINDS[s.kind] ?? 'Unspecified';
        const statusCode = STATUS_CODES[s.statusCode] ?? 'Unset';
        samples.push({ service: serviceName, name: s.name, kind, status: statusCode, durationNs: s.endNs - s.startNs });
        w.add({
          startNs: s.startNs, traceId, spanId, parentSpanId, traceState: s.traceState, name: c.text(s.name, limits.maxAttributeBytes),
          kind, serviceName, resourceAttributes, scopeName: scope.name, scopeVersion: scope.version,
          attributes: c.pairs(s.attributes), durationNs: s.endNs - s.startNs,
          statusCode, statusMessage: c.text(s.statusMessage, limits.maxAttributeBytes),
          events: s.events.map((e) => ({ timeNs: e.timeNs, name: e.name, attributes: c.pairs(e.attributes) })),
          links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: c.pairs(l.attributes) })),
          truncated: c.truncated,
        });
      }
    }
  }
  return { payloads: w.finish(), accepted: w.rows, rejected: c.rejected, errors: c.errors, spans: samples };
}
