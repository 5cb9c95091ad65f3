import { join } from 'node:path';
import type { NotificationAttempt } from '../storage/interface.js';
import { parseDuration } from '../util/duration.js';
import { readJson, writeJson } from '../util/json-file.js';
import type { AckStore } from './acks.js';
import type { AmConfig, Route } from './config.js';
import { NotificationQueue } from './queue.js';
import { inhibitedBy, routesFor } from './route.js';
import type { AlertStore, AmAlert, Labels, SilenceStore } from './store.js';
import { anyHolds } from './time-intervals.js';

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
  /** What was last notified (fingerprint:status list) and when. */
  lastSent: string;
  lastSentAt: number;
  /** For an escalation group: the escalation's index in its route. */
  escalation?: number;
}

/** What the dispatcher keeps on disk so that a restart does not notify again. */
interface SentState {
  groups: Map<string, { lastSent: string; lastSentAt: number }>;
  /** When each alert was last notified as firing, by receiver and fingerprint (for cooldowns). */
  firing: Map<string, number>;
}

export interface DispatcherOptions {
  alerts: AlertStore;
  silences: SilenceStore;
  /** Acknowledged alerts do not escalate. */
  acks?: AckStore;
  config: () => AmConfig;
  /** The link back to the server in notifications. */
  externalURL: string;
  onError: (receiver: string, err: Error) => void;
  /** Every notification attempt (the history); nothing by default. */
  record?: (attempt: NotificationAttempt) => void;
  /** What was notified, and the notification queue, are kept here (a directory); in memory without it. */
  stateDir?: string;
}

/** How long a firing notification is remembered for cooldowns at most. */
const FIRING_MEMORY_MS = 7 * 24 * 3_600_000;

/**
 * Alertmanager's dispatch: routed, unsilenced, uninhibited alerts gather in aggregation groups
 * (per route and `group_by` values); a group is first notified `group_wait` after it appears,
 * then at most every `group_interval` when its alerts changed, and again after `repeat_interval`
 * when they did not — except while one of the route's `mute_time_intervals` holds, or none of its
 * `active_time_intervals` does. Notifications go through the durable NotificationQueue, which
 * retries each integration on its own.
 *
 * Beyond Alertmanager: a route's `escalations` send firing alerts nobody acknowledged within
 * `after` to another receiver (as a group of their own, resolved notifications included); an
 * alert's `cooldown` annotation (a duration) keeps it out of notifications when it fires again
 * within that time of its last firing notification, and stretches the group's repeat interval
 * to at least that long. `tick(now)` does the work; the server calls it every second, tests call
 * it with their own clock.
 */
export class Dispatcher {
  private readonly groups = new Map<string, Group>();
  private readonly state: SentState;
  private readonly stateFile: string | undefined;
  private readonly queue: NotificationQueue;
  private readonly cooldowns = new Map<string, number>();

  constructor(private readonly o: DispatcherOptions) {
    this.stateFile = o.stateDir ? join(o.stateDir, 'notified.json') : undefined;
    const saved = this.stateFile ? readJson<{ groups?: Record<string, { lastSent: string; lastSentAt: number }>; firing?: Record<string, number> }>(this.stateFile, {}) : {};
    this.state = { groups: new Map(Object.entries(saved.groups ?? {})), firing: new Map(Object.entries(saved.firing ?? {})) };
    this.queue = new NotificationQueue({
      ...(o.stateDir ? { file: join(o.stateDir, 'queue.json') } : {}),
      integrations: () => o.config().integrations,
      externalURL: o.externalURL,
      record: o.record ?? (() => undefined),
      onError: o.onError,
    });
  }

  /** Notifications waiting for delivery or a retry. */
  get pending(): number {
    return this.queue.size;
  }

  async tick(now: number): Promise<void> {
    const config = this.o.config();
    const live = this.o.alerts.list(now).map((a) => ({ fingerprint: a.fingerprint, labels: a.alert.labels, alert: a.alert }));
    this.o.acks?.prune(new Map(live.map((a) => [a.fingerprint, a.alert.startsAt])));
    const sources = live.filter((a) => a.alert.endsAt > now);
    const seen = new Set<string>();
    for (const a of live) {
      const resolved = a.alert.endsAt <= now;
      if (!resolved && (this.o.silences.silencing(a.labels, now).length > 0 || inhibitedBy(config.inhibitRules, a, sources).length > 0)) continue;
      for (const route of routesFor(config.route, a.labels)) {
        const labels = groupLabels(route, a.labels);
        const key = `${route.receiver}:${JSON.stringify(route.matchers)}:${JSON.stringify(Object.entries(labels))}`;
        const g = this.groups.get(key) ?? (resolved ? undefined : this.open(key, route, labels, now + route.groupWaitMs));
        if (!g) continue;
        g.alerts.set(a.fingerprint, a.alert);
        seen.add(`${key}\u0000${a.fingerprint}`);
      }
    }
    this.escalate(now, seen);
    for (const g of this.groups.values()) {
      for (const fp of g.alerts.keys()) if (!seen.has(`${g.key}\u0000${fp}`)) g.alerts.delete(fp);
      if (now >= g.nextFlush) this.flush(g, config, now);
      // A group whose alerts have all resolved, and been notified as resolved, is done.
      const shown = this.shown(g, now);
      const allResolved = [...g.alerts.values()].every((a) => a.endsAt <= now);
      if (g.alerts.size === 0 || (allResolved && (shown.length === 0 || g.lastSent === stateOf(shown)))) {
        this.groups.delete(g.key);
        if (this.state.groups.delete(g.key)) this.save(now);
      }
    }
    await this.queue.deliver(now);
  }

  private open(key: string, route: Route, labels: Labels, nextFlush: number, escalation?: number): Group {
    const before = this.state.groups.get(key);
    const g: Group = { key, route, labels, alerts: new Map(), nextFlush, lastSent: before?.lastSent ?? '', lastSentAt: before?.lastSentAt ?? 0, ...(escalation === undefined ? {} : { escalation }) };
    this.groups.set(key, g);
    return g;
  }

  /**
   * Escalation groups: per group and escalation of its route, the alerts that fired unacknowledged
   * for `after` — and stay there until they leave the group, so their resolution is sent too.
   */
  private escalate(now: number, seen: Set<string>): void {
    for (const g of [...this.groups.values()]) {
      if (g.escalation !== undefined) continue;
      g.route.escalations.forEach((e, i) => {
        const key = `${g.key}/escalation/${i}`;
        let eg = this.groups.get(key);
        for (const [fp, a] of g.alerts) {
          if (!seen.has(`${g.key}\u0000${fp}`)) continue;
          const due = a.endsAt > now && now - a.startsAt >= e.afterMs && !this.o.acks?.of(fp, a.startsAt);
          if (!due && !eg?.alerts.has(fp)) continue;
          eg ??= this.open(key, { ...g.route, receiver: e.receiver, groupWaitMs: 0, escalations: [] }, g.labels, now, i);
          eg.alerts.set(fp, a);
          seen.add(`${key}\u0000${fp}`);
        }
      });
    }
  }

  private cooldownOf(a: AmAlert): number {
    const text = a.annotations.cooldown;
    if (!text) return 0;
    let ms = this.cooldowns.get(text);
    if (ms === undefined) {
      try {
        ms = parseDuration(text);
      } catch {
        ms = 0;
      }
      this.cooldowns.set(text, ms);
    }
    return ms;
  }

  /**
   * The alerts a notification of the group shows: all, except those cooling down — an alert with
   * a cooldown whose current episode was never notified as firing, fired within the cooldown of
   * the last firing notification (or resolved without being notified).
   */
  private shown(g: Group, now: number): Notification['alerts'] {
    const out: Notification['alerts'] = [];
    for (const [fingerprint, alert] of g.alerts) {
      const status = alert.endsAt <= now ? 'resolved' as const : 'firing' as const;
      const cooldown = this.cooldownOf(alert);
      const last = this.state.firing.get(`${g.route.receiver}\u0000${fingerprint}`);
      const cooling = cooldown > 0 && last !== undefined && alert.startsAt > last && (status === 'resolved' || now - last < cooldown);
      if (!cooling) out.push({ fingerprint, alert, status });
    }
    return out;
  }

  private flush(g: Group, config: AmConfig, now: number): void {
    g.nextFlush = now + g.route.groupIntervalMs;
    const { muteTimeIntervals: mute, activeTimeIntervals: active } = g.route;
    if (anyHolds(config.timeIntervals, mute, now) || (active.length > 0 && !anyHolds(config.timeIntervals, active, now))) return;
    const alerts = this.shown(g, now);
    if (alerts.length === 0) return;
    const state = stateOf(alerts);
    const repeatMs = Math.max(g.route.repeatIntervalMs, ...alerts.map((a) => this.cooldownOf(a.alert)));
    if (state === g.lastSent && now - g.lastSentAt < repeatMs) return;
    this.queue.enqueue({
      receiver: g.route.receiver,
      groupKey: g.key,
      status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      groupLabels: g.labels,
      commonLabels: common(alerts.map((a) => a.alert.labels)),
      commonAnnotations: common(alerts.map((a) => a.alert.annotations)),
      alerts,
    }, now);
    for (const a of alerts) if (a.status === 'firing') this.state.firing.set(`${g.route.receiver}\u0000${a.fingerprint}`, now);
    g.lastSent = state;
    g.lastSentAt = now;
    this.state.groups.set(g.key, { lastSent: state, lastSentAt: now });
    this.save(now);
  }

  private save(now: number): void {
    for (const [k, t] of this.state.firing) if (now - t > FIRING_MEMORY_MS) this.state.firing.delete(k);
    if (this.stateFile) writeJson(this.stateFile, { groups: Object.fromEntries(this.state.groups), firing: Object.fromEntries(this.state.firing) });
  }
}

function stateOf(alerts: Notification['alerts']): string {
  return alerts.map((a) => `${a.fingerprint}:${a.status}`).sort().join(',');
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
