import type { LogStreamsReader, StreamLine, StreamSelection } from '../storage/interface.js';
import type { AggExpr, LogExpr, MetricExpr, RangeExpr, Stage } from './logql.js';
import { extractFields } from './parsers.js';

/** A log stream in a Loki answer: its labels and lines (ns timestamp as a string, line). */
export interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** A series of a metric query: Unix seconds and the value as text, steps without data left out. */
export interface LokiSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Lines read at most to evaluate a query whose filters run here (parsers, label filters). */
export const MAX_SCANNED_LINES = 1_000_000;

export class LogqlLimitError extends Error {
  override readonly name = 'LogqlLimitError';
}

const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort((a, b) => (a[0] < b[0] ? -1 : 1)));

function selection(log: LogExpr, range: { start: number; end: number }): StreamSelection {
  return {
    range,
    matchers: log.selector,
    lineFilters: log.stages.filter((s): s is Extract<Stage, { kind: 'line' }> => s.kind === 'line'),
  };
}

/** Whether the expression needs each line here (parsers or label filters), not only counts from storage. */
const needsLines = (log: LogExpr) => log.stages.some((s) => s.kind !== 'line');

/** Runs the stages after storage's line filters: parsers add labels, label filters drop lines. Null = dropped. */
function pipeline(log: LogExpr, l: StreamLine): Record<string, string> | null {
  let labels: Record<string, string> = { ...l.labels, ...l.metadata };
  for (const s of log.stages) {
    if (s.kind === 'parser') {
      const fields = extractFields(s.parser, l.line);
      for (const [k, v] of Object.entries(fields)) labels[k in labels && !(k in l.metadata) ? `${k}_extracted` : k] = v;
      labels = { ...labels };
    } else if (s.kind === 'label') {
      const v = labels[s.name] ?? '';
      const ok = s.op === '=' ? v === s.value : s.op === '!=' ? v !== s.value : new RegExp(`^(?:${s.value})$`, 's').test(v) === (s.op === '=~');
      if (!ok) return null;
    } else if (s.kind === 'compare') {
      const v = numberOf(labels[s.name]);
      if (v === undefined) return null;
      const ok = s.op === '==' ? v === s.value : s.op === '!=' ? v !== s.value : s.op === '>' ? v > s.value : s.op === '>=' ? v >= s.value : s.op === '<' ? v < s.value : v <= s.value;
      if (!ok) return null;
    }
  }
  return labels;
}

/** A label value as a number: plain numbers, or durations (`250ms` → 0.25 s) and byte sizes left out. */
function numberOf(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isNaN(n)) return n;
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[m[2] as 'ns'];
}

/** A log query: matching lines grouped by stream, `limit` lines in all, newest first for `backward`. */
export async function queryStreams(r: LogStreamsReader, tenant: string, log: LogExpr, range: { start: number; end: number }, limit: number, direction: 'backward' | 'forward'): Promise<LokiStream[]> {
  const sel = selection(log, range);
  const local = needsLines(log);
  const lines = await r.streamLines(tenant, sel, local ? Math.min(MAX_SCANNED_LINES, Math.max(limit * 20, 10_000)) : limit, direction);
  const streams = new Map<string, LokiStream>();
  let n = 0;
  for (const l of lines) {
    if (n >= limit) break;
    const labels = local ? pipeline(log, l) : { ...l.labels, ...l.metadata };
    if (!labels) continue;
    const k = key(labels);
    let s = streams.get(k);
    if (!s) streams.set(k, (s = { stream: labels, values: [] }));
    s.values.push([l.timeUnixNano, l.line]);
    n++;
  }
  return [...streams.values()];
}

/** The evaluation times of a range query: start, start + step, … ≤ end (ms). */
function steps(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t <= end; t += step) out.push(t);
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * A range function over a log query, per series, at each step: the lines (or bytes) in
 * [t - range, t), as a count or per second. Without parsers or label filters the counts come
 * from storage in buckets that divide both the step and the range.
 */
async function rangeSeries(r: LogStreamsReader, tenant: string, e: RangeExpr, times: number[]): Promise<Map<string, { labels: Record<string, string>; points: Map<number, number> }>> {
  const first = times[0]!;
  const last = times.at(-1)!;
  const range = { start: first - e.rangeMs, end: last };
  const bytes = e.fn === 'bytes_over_time' || e.fn === 'bytes_rate';
  const perSecond = e.fn === 'rate' || e.fn === 'bytes_rate';
  const events = new Map<string, { labels: Record<string, string>; at: number[]; weight: number[] }>();
  const add = (labels: Record<string, string>, at: number, weight: number) => {
    const k = key(labels);
    let s = events.get(k);
    if (!s) events.set(k, (s = { labels, at: [], weight: [] }));
    s.at.push(at);
    s.weight.push(weight);
  };
  if (needsLines(e.log)) {
    const lines = await r.streamLines(tenant, selection(e.log, range), MAX_SCANNED_LINES + 1, 'forward');
    if (lines.length > MAX_SCANNED_LINES) throw new LogqlLimitError(`the query would read more than ${MAX_SCANNED_LINES} lines; narrow the selector or the range`);
    for (const l of lines) {
      const labels = pipeline(e.log, l);
      if (labels) add(labels, Number(BigInt(l.timeUnixNano) / 1_000_000n), bytes ? Buffer.byteLength(l.line) : 1);
    }
  } else {
    const step = times.length > 1 ? times[1]! - first : e.rangeMs;
    let res = gcd(gcd(step, e.rangeMs), 1_000_000_000);
    res = Math.max(1, res);
    if ((range.end - range.start) / res > 200_000) throw new LogqlLimitError('the step and range make too many buckets; use a step and range with a larger common divisor');
    for (const c of await r.streamCounts(tenant, selection(e.log, range), res)) add(c.labels, c.bucket, bytes ? c.bytes : c.count);
  }
  const out = new Map<string, { labels: Record<string, string>; points: Map<number, number> }>();
  for (const [k, s] of events) {
    const order = s.at.map((_, i) => i).sort((a, b) => s.at[a]! - s.at[b]!);
    const at = order.map((i) => s.at[i]!);
    const prefix = [0];
    for (const i of order) prefix.push(prefix.at(-1)! + s.weight[i]!);
    const points = new Map<number, number>();
    let lo = 0;
    let hi = 0;
    for (const t of times) {
      while (lo < at.length && at[lo]! < t - e.rangeMs) lo++;
      while (hi < at.length && at[hi]! < t) hi++;
      if (hi > lo) points.set(t, perSecond ? (prefix[hi]! - prefix[lo]!) / (e.rangeMs / 1000) : prefix[hi]! - prefix[lo]!);
    }
    if (points.size > 0) out.set(k, { labels: s.labels, points });
  }
  return out;
}

function groupLabels(a: AggExpr, labels: Record<string, string>): Record<string, string> {
  if (a.by) return Object.fromEntries(a.by.filter((k) => labels[k] !== undefined).map((k) => [k, labels[k]!]));
  if (a.without) return Object.fromEntries(Object.entries(labels).filter(([k]) => !a.without!.includes(k)));
  return {};
}

async function evaluate(r: LogStreamsReader, tenant: string, e: MetricExpr, times: number[]): Promise<Map<string, { labels: Record<string, string>; points: Map<number, number> }>> {
  if (e.kind === 'range') return rangeSeries(r, tenant, e, times);
  const inner = await evaluate(r, tenant, e.inner, times);
  const groups = new Map<string, { labels: Record<string, string>; values: Map<number, number[]> }>();
  for (const s of inner.values()) {
    const labels = groupLabels(e, s.labels);
    const k = key(labels);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { labels, values: new Map() }));
    for (const [t, v] of s.points) {
      const list = g.values.get(t);
      if (list) list.push(v);
      else g.values.set(t, [v]);
    }
  }
  const out = new Map<string, { labels: Record<string, string>; points: Map<number, number> }>();
  for (const [k, g] of groups) {
    const points = new Map<number, number>();
    for (const [t, vs] of g.values) {
      const sum = vs.reduce((a, b) => a + b, 0);
      points.set(t, e.op === 'sum' ? sum : e.op === 'avg' ? sum / vs.length : e.op === 'min' ? Math.min(...vs) : e.op === 'max' ? Math.max(...vs) : vs.length);
    }
    out.set(k, { labels: g.labels, points });
  }
  return out;
}

/** A metric query evaluated at start, start + step, … end (ms): a Loki matrix. */
export async function queryMatrix(r: LogStreamsReader, tenant: string, e: MetricExpr, start: number, end: number, stepMs: number): Promise<LokiSeries[]> {
  const times = steps(start, end, stepMs);
  const series = await evaluate(r, tenant, e, times);
  return [...series.values()].map((s) => ({
    metric: s.labels,
    values: times.filter((t) => s.points.has(t)).map((t): [number, string] => [t / 1000, String(s.points.get(t))]),
  })).sort((a, b) => (key(a.metric) < key(b.metric) ? -1 : 1));
}
