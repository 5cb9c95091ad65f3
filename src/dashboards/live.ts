import { createHash } from 'node:crypto';
import { parseDuration } from '../util/duration.js';
import { dashboardProblems, type DashboardSpec } from './spec.js';
import { refreshMs, widgetRequest, type WidgetRequest } from './widget-request.js';

/** What answering a widget's API request gave: the HTTP status and the parsed body. */
export interface CallResult { status: number; body: unknown }

export interface LiveSessionOptions {
  tenant: string;
  /** Sends one message (JSON text) to the client. */
  send: (text: string) => void;
  /** Runs a widget's API request in-process (the same handlers HTTP clients reach). */
  call: (tenant: string, req: WidgetRequest) => Promise<CallResult>;
  /** The newest version of a saved dashboard, or undefined. */
  load: (tenant: string, id: string) => Promise<DashboardSpec | undefined>;
  now: () => number;
}

/** Unix seconds of `now`, `now-<duration>`, RFC 3339 or Unix seconds. */
export function resolveTime(text: string, nowMs: number): number {
  const t = text.trim();
  if (t === 'now') return nowMs / 1000;
  const rel = /^now-(.+)$/.exec(t);
  if (rel) return (nowMs - parseDuration(rel[1]!)) / 1000;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`"${t}" is not a time (now, now-1h, RFC 3339 or Unix seconds)`);
  return ms / 1000;
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

interface Subscribe { type: 'subscribe'; dashboard?: string; spec?: unknown; from?: string; to?: string; variables?: Record<string, string> }

/**
 * One client's live view of a dashboard, over a WebSocket. The client subscribes with a saved
 * dashboard's id (or an unsaved spec), a time range and variable values; every widget is then
 * evaluated at its refresh period through the server's own APIs, and its data is sent only when
 * it differs from what that client last got. A new subscription replaces the old one; `close()`
 * (the socket went away) stops every timer.
 *
 * Messages to the client: `{"type":"subscribed","widgets":[ids]}`, `{"type":"data","widget",
 * "data","at"}`, `{"type":"error","widget"?,"error"}`.
 */
export class LiveSession {
  private timers: NodeJS.Timeout[] = [];
  private readonly sent = new Map<string, string>();
  private generation = 0;
  private closed = false;

  constructor(private readonly o: LiveSessionOptions) {}

  /** Handles one message from the client. */
  async receive(text: string): Promise<void> {
    let msg: { type?: unknown };
    try {
      msg = JSON.parse(text) as { type?: unknown };
    } catch {
      this.error('a message is JSON: {"type":"subscribe",…} or {"type":"unsubscribe"}');
      return;
    }
    if (msg.type === 'unsubscribe') {
      this.stop();
      return;
    }
    if (msg.type !== 'subscribe') {
      this.error(`unknown message type ${JSON.stringify(msg.type)}`);
      return;
    }
    await this.subscribe(msg as Subscribe);
  }

  /** The client went away: nothing runs for it any more. */
  close(): void {
    this.closed = true;
    this.stop();
  }

  /** Timers running for this client (one per widget with a query). */
  get activeTimers(): number {
    return this.timers.length;
  }

  private stop(): void {
    this.generation++;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.sent.clear();
  }

  private async subscribe(m: Subscribe): Promise<void> {
    this.stop();
    const generation = this.generation;
    let spec: DashboardSpec | undefined;
    if (typeof m.dashboard === 'string') {
      spec = await this.o.load(this.o.tenant, m.dashboard);
      if (!spec) {
      this.error(`dashboard ${m.dashboard} not found`);
      return;
    }
    } else {
      const problems = dashboardProblems(m.spec);
      if (problems.length > 0) {
      this.error(`invalid dashboard: ${problems.join('; ')}`);
      return;
    }
      spec = m.spec as DashboardSpec;
    }
    if (generation !== this.generation || this.closed) return;
    const from = m.from ?? spec.time?.from ?? 'now-1h';
    const to = m.to ?? spec.time?.to ?? 'now';
    try {
      resolveTime(from, 0);
      resolveTime(to, 0);
    } catch (err) {
      this.error((err as Error).message);
      return;
    }
    const variables = { ...Object.fromEntries((spec.variables ?? []).map((v) => [v.name, v.default ?? ''])), ...(m.variables ?? {}) };
    const widgets = spec.widgets.filter((w) => w.query);
    this.send({ type: 'subscribed', widgets: widgets.map((w) => w.id) });
    for (const w of widgets) {
      const tick = async () => {
        const now = this.o.now();
        const req = widgetRequest(w, { start: resolveTime(from, now), end: resolveTime(to, now), variables });
        if (!req) return;
        let result: CallResult;
        try {
          result = await this.o.call(this.o.tenant, req);
        } catch (err) {
          result = { status: 500, body: { error: (err as Error).message } };
        }
        if (generation !== this.generation) return;
        const body = result.body as { data?: unknown; error?: string } | undefined;
        const message = result.status < 300 ? { type: 'data', widget: w.id, data: body?.data ?? body } : { type: 'error', widget: w.id, error: body?.error ?? `status ${result.status}` };
        const digest = createHash('sha1').update(JSON.stringify(message.type === 'data' ? comparable(message.data) : message)).digest('base64');
        if (this.sent.get(w.id) === digest) return;
        this.sent.set(w.id, digest);
        this.o.send(JSON.stringify({ ...message, at: now }));
      };
      void tick();
      this.timers.push(setInterval(() => { void tick(); }, refreshMs(w, spec.refresh)));
    }
  }

  private send(msg: unknown): void {
    if (!this.closed) this.o.send(JSON.stringify(msg));
  }

  private error(message: string): void {
    this.send({ type: 'error', error: message });
  }
}
