import { parseDuration } from '../util/duration.js';
import type { LiveEvaluations } from './live-evaluations.js';
import { dashboardProblems, type DashboardSpec } from './spec.js';
import { refreshMs } from './widget-request.js';

export interface LiveSessionOptions {
  tenant: string;
  /** Sends one message (JSON text) to the client. */
  send: (text: string) => void;
  /** Widget evaluations shared with the other clients. */
  evaluations: LiveEvaluations;
  /** The newest version of a saved dashboard, or undefined. */
  load: (tenant: string, id: string) => Promise<DashboardSpec | undefined>;
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

interface Subscribe { type: 'subscribe'; dashboard?: string; spec?: unknown; from?: string; to?: string; variables?: Record<string, string> }

/**
 * One client's live view of a dashboard, over a WebSocket. The client subscribes with a saved
 * dashboard's id (or an unsaved spec), a time range and variable values; every widget is then
 * evaluated at its refresh period through the server's own APIs (shared with other clients
 * watching the same, see LiveEvaluations), and its data is sent only when it differs from what
 * this client last got. A new subscription replaces the old one; `close()` (the socket went
 * away) leaves every evaluation.
 *
 * Messages to the client: `{"type":"subscribed","widgets":[ids]}`, `{"type":"data","widget",
 * "data","at"}`, `{"type":"error","widget"?,"error"}`.
 */
export class LiveSession {
  private watching: (() => void)[] = [];
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

  private stop(): void {
    this.generation++;
    for (const unwatch of this.watching) unwatch();
    this.watching = [];
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
      this.watching.push(this.o.evaluations.watch(
        { tenant: this.o.tenant, widget: w, from, to, variables, refreshMs: refreshMs(w, spec.refresh) },
        (outcome) => { this.send('error' in outcome ? { type: 'error', widget: w.id, ...outcome } : { type: 'data', widget: w.id, ...outcome }); },
      ));
    }
  }

  private send(msg: unknown): void {
    if (!this.closed) this.o.send(JSON.stringify(msg));
  }

  private error(message: string): void {
    this.send({ type: 'error', error: message });
  }
}
