import type { Labels } from '../storage/interface.js';
import { labelsKey } from '../promql/value.js';
import type { AlertingRule } from './rule-file.js';

export type AlertState = 'pending' | 'firing' | 'inactive';

/** One alert of a rule: a label set the rule's expression returned. */
export interface Alert {
  labels: Labels;
  /** The sample value at the last evaluation that returned this label set. */
  value: number;
  state: AlertState;
  /** When the expression first returned the label set (this time round), ms. */
  activeAt: number;
  /** When it started firing, ms (0 while pending). */
  firedAt: number;
  /** When it resolved, ms (0 while active). */
  resolvedAt: number;
  /** keep_firing_for: when the expression stopped returning it while firing, ms (0 otherwise). */
  keepFiringSince: number;
  lastSeen: number;
}

/** A change of an alert's state at an evaluation: `resolved` is firing → inactive, `inactive` is pending → gone. */
export interface StateChange {
  labels: Labels;
  state: 'pending' | 'firing' | 'resolved' | 'inactive';
  previous: 'inactive' | 'pending' | 'firing';
  value: number;
  activeAt: number;
  at: number;
}

/** A sample of the rule expression's result at one evaluation. */
export interface RuleSample {
  labels: Labels;
  value: number;
}

/** How long resolved alerts are kept (and sent) after they resolve, as Prometheus keeps them. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/**
 * The alerts of one alerting rule across evaluations, with Prometheus's state machine (the
 * caller applies the rule's labels to the samples first):
 * a new label set is pending, fires once it has been returned for `for` (at once when `for` is
 * 0), stays firing for `keep_firing_for` after the expression stops returning it, then resolves;
 * resolved alerts are kept for 15 minutes. `limit` > 0 caps the alerts of one evaluation (more
 * is an error and clears the rule's alerts, as in Prometheus).
 */
export class AlertTracker {
  private readonly active = new Map<string, Alert>();
  /** Start times of alerts from before a restart (ALERTS_FOR_STATE), by label key; used once. */
  private restored = new Map<string, number>();
  /** The state changes of the last `update`. */
  changes: StateChange[] = [];

  constructor(readonly rule: AlertingRule) {}

  /**
   * Alerts that were active before a restart, with their start times (ms): when the expression
   * returns one of these label sets again, the alert continues from its old start instead of
   * starting over (so a `for` already served is not served twice).
   */
  restore(starts: readonly { labels: Labels; activeAt: number }[]): void {
    this.restored = new Map(starts.map((s) => [labelsKey(this.alertLabels(s.labels)), s.activeAt]));
  }

  /** Carries the alerts of the same rule over from before a reload. */
  adopt(previous: AlertTracker): void {
    for (const [k, a] of previous.active) this.active.set(k, a);
  }

  /** Applies the result of an evaluation at `t` (ms); returns the rule's alerts after it. */
  update(t: number, result: readonly RuleSample[], limit = 0): Alert[] {
    const seen = new Set<string>();
    const changes: StateChange[] = [];
    const change = (a: Alert, state: StateChange['state'], previous: StateChange['previous']) => {
      changes.push({ labels: a.labels, state, previous, value: a.value, activeAt: a.activeAt, at: t });
    };
    this.changes = changes;
    for (const s of result) {
      const labels = this.alertLabels(s.labels);
      const key = labelsKey(labels);
      if (seen.has(key)) throw new Error(`vector contains metrics with the same labelset after applying alert labels: ${key}`);
      seen.add(key);
      const a = this.active.get(key);
      if (a && a.state !== 'inactive') {
        a.value = s.value;
        a.lastSeen = t;
        a.keepFiringSince = 0;
        continue;
      }
      const was = this.restored.get(key);
      const activeAt = was !== undefined && was <= t ? was : t;
      const created: Alert = { labels, value: s.value, state: 'pending', activeAt, firedAt: 0, resolvedAt: 0, keepFiringSince: 0, lastSeen: t };
      this.active.set(key, created);
      change(created, 'pending', 'inactive');
    }
    for (const [key, a] of this.active) {
      if (seen.has(key)) continue;
      if (a.state === 'pending') {
        this.active.delete(key);
        change(a, 'inactive', 'pending');
        continue;
      }
      if (a.state === 'firing' && this.rule.keepFiringForMs > 0) {
        if (a.keepFiringSince === 0) a.keepFiringSince = t;
        if (t - a.keepFiringSince < this.rule.keepFiringForMs) continue;
      }
      if (a.state !== 'inactive') {
        a.state = 'inactive';
        a.resolvedAt = t;
        change(a, 'resolved', 'firing');
      }
      if (t - a.resolvedAt > RESOLVED_RETENTION_MS) this.active.delete(key);
    }
    this.restored.clear();
    const live = [...this.active.values()].filter((a) => a.state !== 'inactive').length;
    if (limit > 0 && live > limit) {
      this.active.clear();
      this.changes = [];
      throw new Error(`exceeded limit of ${limit} with ${live} alerts`);
    }
    for (const a of this.active.values()) {
      if (a.state === 'pending' && t - a.activeAt >= this.rule.forMs) {
        a.state = 'firing';
        a.firedAt = t;
        change(a, 'firing', 'pending');
      }
    }
    return [...this.active.values()];
  }

  /** The alerts as they stand. */
  alerts(): Alert[] {
    return [...this.active.values()];
  }

  /** The alert's labels: the sample's (rule labels already applied) without the metric name, and alertname. */
  alertLabels(l: Labels): Labels {
    const out = new Map(Object.entries(l));
    out.delete('__name__');
    out.set('alertname', this.rule.alert);
    return Object.fromEntries(out);
  }
}
