import type { SpanRecord } from '../storage/interface.js';

/** A span placed in its trace's waterfall. Offsets and durations in nanoseconds, as strings. */
export interface WaterfallSpan extends SpanRecord {
  /** Start relative to the trace's first span. */
  offsetNano: string;
  /** 0 for roots; children are one deeper than their parent. */
  depth: number;
  /** Span ids of the children, in start order. */
  children: string[];
  /** On the critical path: the chain of work that determined when the trace finished. */
  critical: boolean;
  /** Its parent was not stored (a broken or partial trace). */
  orphan: boolean;
}

export interface Waterfall {
  traceId: string;
  startTimeUnixNano: string;
  durationNano: string;
  services: string[];
  /** Depth first, children in start order: the rows of the waterfall as drawn. */
  spans: WaterfallSpan[];
}

/**
 * Arranges a trace's spans as a waterfall: a parent/child tree (spans whose parent is missing
 * become roots, marked `orphan`), depth-first rows, offsets from the trace start, and the
 * critical path — from each span's end backwards, the child that finished last before the
 * current point, then the time before that child started, recursively (as Jaeger computes it).
 */
export function waterfall(traceId: string, spans: readonly SpanRecord[]): Waterfall {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const start = spans.reduce((m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), spans.length > 0 ? BigInt(spans[0]!.startTimeUnixNano) : 0n);
  const end = spans.reduce((m, s) => {
    const e = BigInt(s.startTimeUnixNano) + BigInt(s.durationNano);
    return e > m ? e : m;
  }, start);
  const kids = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = kids.get(s.parentSpanId) ?? [];
      list.push(s);
      kids.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const byStart = (a: SpanRecord, b: SpanRecord) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? 1 : 0);
  for (const list of kids.values()) list.sort(byStart);
  roots.sort(byStart);

  const critical = new Set<string>();
  const endOf = (s: SpanRecord) => BigInt(s.startTimeUnixNano) + BigInt(s.durationNano);
  const walk = (s: SpanRecord, until: bigint, seen: Set<string>) => {
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    critical.add(s.spanId);
    let cursor = until;
    const children = [...(kids.get(s.spanId) ?? [])].sort((a, b) => (endOf(b) > endOf(a) ? 1 : endOf(b) < endOf(a) ? -1 : 0));
    for (const c of children) {
      if (BigInt(c.startTimeUnixNano) >= cursor) continue;
      walk(c, endOf(c) < cursor ? endOf(c) : cursor, seen);
      cursor = BigInt(c.startTimeUnixNano);
    }
  };
  const lastRoot = roots.reduce<SpanRecord | undefined>((m, r) => (!m || endOf(r) > endOf(m) ? r : m), undefined);
  if (lastRoot) walk(lastRoot, endOf(lastRoot), new Set());

  const rows: WaterfallSpan[] = [];
  const visited = new Set<string>();
  const place = (s: SpanRecord, depth: number) => {
    if (visited.has(s.spanId)) return;
    visited.add(s.spanId);
    const children = kids.get(s.spanId) ?? [];
    rows.push({
      ...s, offsetNano: String(BigInt(s.startTimeUnixNano) - start), depth, children: children.map((c) => c.spanId),
      critical: critical.has(s.spanId), orphan: s.parentSpanId !== '' && !byId.has(s.parentSpanId),
    });
    for (const c of children) place(c, depth + 1);
  };
  for (const r of roots) place(r, 0);
  return {
    traceId, startTimeUnixNano: String(start), durationNano: String(end - start),
    services: [...new Set(spans.map((s) => s.serviceName))].sort(), spans: rows,
  };
}
