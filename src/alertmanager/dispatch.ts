import { readJson, writeJson } from '../util/json-file.js';
import type { AmConfig, Route } from './config.js';
import { inhibitedBy, routesFor } from './route.js';
import type { AlertStore, AmAlert, Labels, SilenceStore } from './store.js';

/** What a receiver gets for one aggregation group (the fields of Alertmanager's webhook v4). */
export interface Notification {
  receiver: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  alerts: { status: 'firing' | 'resolved'; fingerprint: string; alert: AmAlert }[];
}

interface Group {
  key: string;
  route: Route;
  labels: Labels;
  alerts: Map<string, AmAlert>;
  /** When the group may next be flushed (group_wait first, then group_interval). */
  nextFlush: number;
  /** What was last sent successfully (fingerprint:status list) and when. */
  lastSent: string;
  lastSentAt: number;
  failures: number;
}

/**
 * Alertmanager's dispatch: routed, unsilenced, uninhibited alerts gather in aggregation groups
 * (per route and `group_by` values); a group is first sent `group_wait` after it appears, then
 * at most every `group_interval` when its alerts changed, and again after `repeat_interval`
 * when they did not. A failed send is retried with exponential backoff. `tick(now)` does the
 * work; the server calls it every second, tests call it with their own clock.
 */
export class Dispatcher {
  private readonly groups = new Map<string, Group>();
  /** What each group last sent, kept in `stateFile` so that a restart does not notify again. */
  private readonly sent = new Map<string, { lastSent: string; lastSentAt: number }>();

  /**
   * Notifications go to the integrations of the receiver in `config()`, with `externalURL` as
   * the link back to the server.
   */
  constructor(private readonly o: { alerts: AlertStore; silences: SilenceStore; config: () => AmConfig; externalURL: string; onError: (receiver: string, err: Error) => void; stateFile?: string }) {
    if (o.stateFile) for (const [k, v] of Object.entries(readJson<Record<string, { lastSent: string; lastSentAt: number }>>(o.stateFile, {}))) this.sent.set(k, v);
  }

  async tick(now: number): Promise<void> {
    const config = this.o.config();
    const live = this.o.alerts.list(now).map((a) => ({ fingerprint: a.fingerprint, labels: a.alert.labels, alert: a.alert }));
    const sources = live.filter((a) => a.alert.endsAt > now);
    const seen = new Set<string>();
    for (const a of live) {
      const resolved = a.alert.endsAt <= now;
      if (!resolved && (this.o.silences.silencing(a.labels, now).length > 0 || inhibitedBy(config.inhibitRules, a, sources).length > 0)) continue;
      for (const route of routesFor(config.route, a.labels)) {
        const labels = groupLabels(route, a.labels);
        const key = `${route.receiver}:${JSON.stringify(route.matchers)}:${JSON.stringify(Object.entries(labels))}`;
        let g = this.groups.get(key);
        if (!g) {
          if (resolved) continue;
          const before = this.sent.get(key);
          g = { key, route, labels, alerts: new Map(), nextFlush: now + route.groupWaitMs, lastSent: before?.lastSent ?? '', lastSentAt: before?.lastSentAt ?? 0, failures: 0 };
          this.groups.set(key, g);
        }
        g.alerts.set(a.fingerprint, a.alert);
        seen.add(`${key}\u0000${a.fingerprint}`);
      }
    }
    for (const g of this.groups.values()) {
      for (const fp of g.alerts.keys()) if (!seen.has(`${g.key}\u0000${fp}`)) g.alerts.delete(fp);
      if (now >= g.nextFlush) await this.flush(g, now);
      // A group whose alerts have all resolved, and been sent as resolved, is done.
      const allResolved = [...g.alerts.values()].every((a) => a.endsAt <= now);
      if (g.alerts.size === 0 || (allResolved && g.lastSent === stateOf(g, now))) {
        this.groups.delete(g.key);
        this.forget(g.key);
      }
    }
  }

  private remember(g: Group): void {
    this.sent.set(g.key, { lastSent: g.lastSent, lastSentAt: g.lastSentAt });
    this.save();
  }

  private forget(key: string): void {
    if (this.sent.delete(key)) this.save();
  }

  private save(): void {
    if (this.o.stateFile) writeJson(this.o.stateFile, Object.fromEntries(this.sent));
  }

  private async flush(g: Group, now: number): Promise<void> {
    const alerts = [...g.alerts].map(([fingerprint, alert]) => ({ fingerprint, alert, status: alert.endsAt <= now ? 'resolved' as const : 'firing' as const }));
    if (alerts.length === 0) return;
    const state = stateOf(g, now);
    const changed = state !== g.lastSent;
    if (!changed && now - g.lastSentAt < g.route.repeatIntervalMs) {
      g.nextFlush = now + g.route.groupIntervalMs;
      return;
    }
    const n: Notification = {
      receiver: g.route.receiver,
      groupKey: g.key,
      status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      groupLabels: g.labels,
      commonLabels: common(alerts.map((a) => a.alert.labels)),
      commonAnnotations: common(alerts.map((a) => a.alert.annotations)),
      alerts,
    };
    try {
      for (const integration of this.o.config().integrations.get(n.receiver) ?? []) await integration.send(n, this.o.externalURL);
      g.lastSent = state;
      g.lastSentAt = now;
      g.failures = 0;
      this.remember(g);
      g.nextFlush = now + g.route.groupIntervalMs;
    } catch (err) {
      g.failures++;
      this.o.onError(g.route.receiver, err as Error);
      // Exponential backoff from 1 s, never later than the next regular flush.
      g.nextFlush = now + Math.min(1000 * 2 ** (g.failures - 1), g.route.groupIntervalMs);
    }
  }
}

function stateOf(g: Group, now: number): string {
  return [...g.alerts].map(([fp, a]) => `${fp}:${a.endsAt <= now ? 'resolved' : 'firing'}`).sort().join(',');
}

function groupLabels(route: Route, labels: Labels): Labels {
  if (route.groupBy.includes('...')) return labels;
  const out: Record<string, string> = {};
  for (const k of route.groupBy) if (labels[k] !== undefined) out[k] = labels[k];
  return out;
}

/** The label pairs every one of the sets has. */
function common(sets: readonly Labels[]): Labels {
  const [first, ...rest] = sets;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((s) => s[k] === v)));
}
