import { createHash } from 'node:crypto';
import type { Widget } from './spec.js';
import { widgetRequest, type WidgetRequest } from './widget-request.js';

/** What answering a widget's API request gave: the HTTP status and the parsed body. */
export interface CallResult { status: number; body: unknown }

/** A widget's result as clients get it: its data, or the error the API gave. */
export type Outcome = { data: unknown; at: number } | { error: string; at: number };

/** What decides a widget's data: the query and type, the time range and the variables (not the widget id or title). */
export interface EvaluationKey {
  tenant: string;
  widget: Widget;
  from: string;
  to: string;
  variables: Readonly<Record<string, string>>;
  refreshMs: number;
}

export interface LiveEvaluationsOptions {
  /** Runs a widget's API request in-process. */
  call: (tenant: string, req: WidgetRequest) => Promise<CallResult>;
  /** Unix seconds of a `from`/`to` at `nowMs`. */
  resolve: (text: string, nowMs: number) => number;
  now: () => number;
  /** Reports how many distinct evaluations run (for self-metrics). */
  onCount?: (running: number) => void;
}

/**
 * The part of a widget's data that matters for "has it changed": instant query results without
 * their evaluation time (which moves every tick), anything else as it is.
 */
export function comparable(data: unknown): unknown {
  const d = data as { resultType?: string; result?: unknown } | null;
  if (d?.resultType === 'vector') return (d.result as { metric: unknown; value: [number, string] }[]).map((s) => [s.metric, s.value[1]]);
  if (d?.resultType === 'scalar' || d?.resultType === 'string') return (d.result as [number, string])[1];
  return data;
}

function digestOf(o: Outcome): string {
  return createHash('sha1').update(JSON.stringify('error' in o ? { error: o.error } : comparable(o.data))).digest('base64');
}

interface Listener { send: (o: Outcome) => void; sent?: string }
interface Evaluation { timer: NodeJS.Timeout; listeners: Set<Listener>; last?: { outcome: Outcome; digest: string } }

/**
 * Widget evaluations shared by every live client: clients watching the same query over the
 * same range with the same variables and refresh share one timer and one API call per tick; each
 * client still gets a result only when it differs from what that client got last. An evaluation
 * stops when its last client leaves.
 */
export class LiveEvaluations {
  private readonly running = new Map<string, Evaluation>();

  constructor(private readonly o: LiveEvaluationsOptions) {}

  /** Distinct evaluations running now. */
  get size(): number {
    return this.running.size;
  }

  /** Starts sending `key`'s results to `send` (the latest known at once); returns the function that stops it. */
  watch(key: EvaluationKey, send: (o: Outcome) => void): () => void {
    const id = JSON.stringify([key.tenant, key.widget.type, key.widget.query, key.from, key.to, key.variables, key.refreshMs]);
    let e = this.running.get(id);
    if (!e) {
      const created: Evaluation = { listeners: new Set(), timer: setInterval(() => { void this.tick(key, created); }, key.refreshMs) };
      e = created;
      this.running.set(id, e);
      this.o.onCount?.(this.running.size);
      void this.tick(key, e);
    }
    const listener: Listener = { send };
    e.listeners.add(listener);
    if (e.last) this.deliver(listener, e.last);
    const evaluation = e;
    return () => {
      evaluation.listeners.delete(listener);
      if (evaluation.listeners.size > 0 || this.running.get(id) !== evaluation) return;
      clearInterval(evaluation.timer);
      this.running.delete(id);
      this.o.onCount?.(this.running.size);
    };
  }

  private deliver(l: Listener, last: { outcome: Outcome; digest: string }): void {
    if (l.sent === last.digest) return;
    l.sent = last.digest;
    l.send(last.outcome);
  }

  private async tick(key: EvaluationKey, e: Evaluation): Promise<void> {
    const now = this.o.now();
    const req = widgetRequest(key.widget, { start: this.o.resolve(key.from, now), end: this.o.resolve(key.to, now), variables: key.variables });
    if (!req) return;
    let result: CallResult;
    try {
      result = await this.o.call(key.tenant, req);
    } catch (err) {
      result = { status: 500, body: { error: (err as Error).message } };
    }
    const body = result.body as { data?: unknown; error?: string } | undefined;
    const outcome: Outcome = result.status < 300 ? { data: body?.data ?? body, at: now } : { error: body?.error ?? `status ${result.status}`, at: now };
    e.last = { outcome, digest: digestOf(outcome) };
    for (const l of e.listeners) this.deliver(l, e.last);
  }
}
