import type { SpanRecord } from '../storage/interface.js';

/** A tag as Jaeger's JSON model writes it. */
export interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64';
  value: string | boolean | number;
}

/** A tag from an attribute: numbers and booleans typed as such (attributes are stored as text). */
function tag(key: string, value: string): JaegerTag {
  if (value === 'true' || value === 'false') return { key, type: 'bool', value: value === 'true' };
  if (/^-?\d{1,15}$/.test(value)) return { key, type: 'int64', value: Number(value) };
  if (/^-?\d+\.\d+(e[+-]?\d+)?$/i.test(value)) return { key, type: 'float64', value: Number(value) };
  return { key, type: 'string', value };
}

const tags = (attributes: Readonly<Record<string, string>>) => Object.entries(attributes).map(([k, v]) => tag(k, v));
const micros = (ns: string) => Number(BigInt(ns) / 1000n);

/**
 * A trace in Jaeger's query-API JSON (what Grafana's Jaeger data source draws): spans with
 * microsecond times, CHILD_OF / FOLLOWS_FROM references, tags (span kind, status and the
 * attributes), events as logs, and one process per service and resource.
 */
export function jaegerTrace(traceId: string, spans: readonly SpanRecord[]): Record<string, unknown> {
  const processes = new Map<string, { id: string; serviceName: string; tags: JaegerTag[] }>();
  const processOf = (s: SpanRecord) => {
    const key = JSON.stringify([s.serviceName, s.resourceAttributes]);
    let p = processes.get(key);
    if (!p) {
      p = { id: `p${processes.size + 1}`, serviceName: s.serviceName, tags: tags(Object.fromEntries(Object.entries(s.resourceAttributes).filter(([k]) => k !== 'service.name'))) };
      processes.set(key, p);
    }
    return p.id;
  };
  return {
    traceID: traceId,
    spans: spans.map((s) => {
      const extra: JaegerTag[] = [];
      if (s.kind !== 'Unspecified') extra.push({ key: 'span.kind', type: 'string', value: s.kind.toLowerCase() });
      if (s.statusCode !== 'Unset') extra.push({ key: 'otel.status_code', type: 'string', value: s.statusCode.toUpperCase() });
      if (s.statusCode === 'Error') extra.push({ key: 'error', type: 'bool', value: true });
      if (s.statusMessage) extra.push({ key: 'otel.status_description', type: 'string', value: s.statusMessage });
      if (s.scopeName) extra.push({ key: 'otel.scope.name', type: 'string', value: s.scopeName });
      return {
        traceID: s.traceId,
        spanID: s.spanId,
        operationName: s.name,
        references: [
          ...(s.parentSpanId ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }] : []),
          ...s.links.map((l) => ({ refType: 'FOLLOWS_FROM', traceID: l.traceId, spanID: l.spanId })),
        ],
        startTime: micros(s.startTimeUnixNano),
        duration: micros(s.durationNano),
        tags: [...tags(s.attributes), ...extra],
        logs: s.events.map((e) => ({ timestamp: micros(e.timeUnixNano), fields: [{ key: 'event', type: 'string', value: e.name }, ...tags(e.attributes)] })),
        processID: processOf(s),
        warnings: null,
        flags: 1,
      };
    }),
    processes: Object.fromEntries([...processes.values()].map((p) => [p.id, { serviceName: p.serviceName, tags: p.tags }])),
    warnings: null,
  };
}

/** Jaeger's `tags` search parameter: JSON (`{"http.status_code":"500"}`) or logfmt (`error=true http.method=GET`). */
export function jaegerTags(text: string): [string, string][] {
  const t = text.trim();
  if (t === '') return [];
  if (t.startsWith('{')) {
    const o = JSON.parse(t) as Record<string, unknown>;
    return Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (let m = re.exec(t); m; m = re.exec(t)) out.push([m[1]!, m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!]);
  return out;
}
