import { anyValueText, type AnyValue, type OtlpBatch, type OtlpLog, type OtlpResource, type OtlpScope, type OtlpSpan, type Pairs } from './model.js';

/*
 * Readers of OTLP/JSON requests: lowerCamelCase keys, ids as hex strings, 64-bit integers as
 * decimal strings or numbers, enums as integers; unknown fields are ignored. A value of the
 * wrong type throws OtlpJsonError naming where it is.
 */
export class OtlpJsonError extends Error {
  override readonly name = 'OtlpJsonError';
}

export type Obj = Record<string, unknown>;

export function obj(v: unknown, where: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new OtlpJsonError(`${where}: expected an object`);
  return v as Obj;
}

export function list(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpJsonError(`${where}: expected an array`);
  return v;
}

export function str(v: unknown, where: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OtlpJsonError(`${where}: expected a string`);
  return v;
}

export function int(v: unknown, where: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new OtlpJsonError(`${where}: expected an integer`);
  return n;
}

/** A uint64 nanosecond time given as a decimal string or a number. */
export function nanos(v: unknown, where: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  throw new OtlpJsonError(`${where}: expected nanoseconds as a decimal string or integer`);
}

function anyValue(v: unknown, where: string): AnyValue {
  const o = obj(v, where);
  if ('stringValue' in o) return { kind: 'string', value: str(o.stringValue, `${where}.stringValue`) };
  if ('boolValue' in o) {
    if (typeof o.boolValue !== 'boolean') throw new OtlpJsonError(`${where}.boolValue: expected a boolean`);
    return { kind: 'bool', value: o.boolValue };
  }
  if ('intValue' in o) {
    const x = o.intValue;
    if (typeof x === 'string' && /^-?\d+$/.test(x)) return { kind: 'int', value: BigInt(x) };
    if (typeof x === 'number' && Number.isInteger(x)) return { kind: 'int', value: BigInt(x) };
    throw new OtlpJsonError(`${where}.intValue: expected an integer`);
  }
  if ('doubleValue' in o) {
    const x = o.doubleValue;
    const n = typeof x === 'string' ? (x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : Number(x)) : x;
    if (typeof n !== 'number') throw new OtlpJsonError(`${where}.doubleValue: expected a number`);
    return { kind: 'double', value: n };
  }
  if ('bytesValue' in o) return { kind: 'bytes', value: Buffer.from(str(o.bytesValue, `${where}.bytesValue`), 'base64') };
  if ('arrayValue' in o) return { kind: 'array', value: list(obj(o.arrayValue, `${where}.arrayValue`).values, `${where}.arrayValue.values`).map((x, i) => anyValue(x, `${where}.arrayValue.values[${i}]`)) };
  if ('kvlistValue' in o) {
    return { kind: 'kvlist', value: list(obj(o.kvlistValue, `${where}.kvlistValue`).values, `${where}.kvlistValue.values`).map((x, i) => keyValue(x, `${where}.kvlistValue.values[${i}]`)) };
  }
  return { kind: 'empty' };
}

function keyValue(v: unknown, where: string): [string, AnyValue] {
  const o = obj(v, where);
  return [str(o.key, `${where}.key`), anyValue(o.value, `${where}.value`)];
}

export function attributes(v: unknown, where: string): Pairs {
  return list(v, where).map((x, i) => {
    const [k, value] = keyValue(x, `${where}[${i}]`);
    return [k, anyValueText(value)];
  });
}

function resource(v: unknown, schemaUrl: unknown, where: string): OtlpResource {
  return { attributes: attributes(obj(v, where).attributes, `${where}.attributes`), schemaUrl: str(schemaUrl, `${where}.schemaUrl`) };
}

function scope(v: unknown, schemaUrl: unknown, where: string): OtlpScope {
  const o = obj(v, where);
  return { name: str(o.name, `${where}.name`), version: str(o.version, `${where}.version`), attributes: attributes(o.attributes, `${where}.attributes`), schemaUrl: str(schemaUrl, `${where}.schemaUrl`) };
}

export function batch<T>(body: unknown, keys: { resources: string; scopes: string; items: string }, item: (v: unknown, where: string) => T): OtlpBatch<T> {
  const root = obj(body, 'request');
  return {
    resources: list(root[keys.resources], keys.resources).map((r, i) => {
      const where = `${keys.resources}[${i}]`;
      const ro = obj(r, where);
      return {
        resource: resource(ro.resource, ro.schemaUrl, `${where}.resource`),
        scopes: list(ro[keys.scopes], `${where}.${keys.scopes}`).map((s, j) => {
          const sw = `${where}.${keys.scopes}[${j}]`;
          const so = obj(s, sw);
          return { scope: scope(so.scope, so.schemaUrl, `${sw}.scope`), items: list(so[keys.items], `${sw}.${keys.items}`).map((x, k) => item(x, `${sw}.${keys.items}[${k}]`)) };
        }),
      };
    }),
  };
}

/** An ExportLogsServiceRequest in OTLP/JSON (already parsed). */
export function decodeLogsJson(body: unknown): OtlpBatch<OtlpLog> {
  return batch(body, { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' }, (v, where) => {
    const o = obj(v, where);
    return {
      timeNs: nanos(o.timeUnixNano, `${where}.timeUnixNano`),
      observedNs: nanos(o.observedTimeUnixNano, `${where}.observedTimeUnixNano`),
      severityNumber: int(o.severityNumber, `${where}.severityNumber`),
      severityText: str(o.severityText, `${where}.severityText`),
      body: o.body === undefined || o.body === null ? '' : anyValueText(anyValue(o.body, `${where}.body`)),
      attributes: attributes(o.attributes, `${where}.attributes`),
      flags: int(o.flags, `${where}.flags`),
      traceId: str(o.traceId, `${where}.traceId`).toLowerCase(),
      spanId: str(o.spanId, `${where}.spanId`).toLowerCase(),
      eventName: str(o.eventName, `${where}.eventName`),
    };
  });
}

/** An ExportTraceServiceRequest in OTLP/JSON (already parsed). */
export function decodeTracesJson(body: unknown): OtlpBatch<OtlpSpan> {
  return batch(body, { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' }, (v, where) => {
    const o = obj(v, where);
    const status = obj(o.status, `${where}.status`);
    return {
      traceId: str(o.traceId, `${where}.traceId`).toLowerCase(),
      spanId: str(o.spanId, `${where}.spanId`).toLowerCase(),
      traceState: str(o.traceState, `${where}.traceState`),
      parentSpanId: str(o.parentSpanId, `${where}.parentSpanId`).toLowerCase(),
      name: str(o.name, `${where}.name`),
      kind: int(o.kind, `${where}.kind`),
      startNs: nanos(o.startTimeUnixNano, `${where}.startTimeUnixNano`),
      endNs: nanos(o.endTimeUnixNano, `${where}.endTimeUnixNano`),
      attributes: attributes(o.attributes, `${where}.attributes`),
      events: list(o.events, `${where}.events`).map((e, i) => {
        const eo = obj(e, `${where}.events[${i}]`);
        return { timeNs: nanos(eo.timeUnixNano, `${where}.events[${i}].timeUnixNano`), name: str(eo.name, `${where}.events[${i}].name`), attributes: attributes(eo.attributes, `${where}.events[${i}].attributes`) };
      }),
      links: list(o.links, `${where}.links`).map((l, i) => {
        const lo = obj(l, `${where}.links[${i}]`);
        return { traceId: str(lo.traceId, `${where}.links[${i}].traceId`).toLowerCase(), spanId: str(lo.spanId, `${where}.links[${i}].spanId`).toLowerCase(), traceState: str(lo.traceState, `${where}.links[${i}].traceState`), attributes: attributes(lo.attributes, `${where}.links[${i}].attributes`) };
      }),
      statusCode: int(status.code, `${where}.status.code`),
      statusMessage: str(status.message, `${where}.status.message`),
    };
  });
}
