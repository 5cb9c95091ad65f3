import type { AppendSession } from '../ingest/append.js';
import type { Labels } from '../storage/interface.js';
import type { Expr } from '../promql/ast.js';
import { labelsKey } from '../promql/value.js';
import { AlertTracker, type Alert, type RuleSample, type StateChange } from './alert-state.js';
import type { Rule, RuleGroup } from './rule-file.js';
import { Template } from './template.js';
import { parse } from '../promql/parse.js';

/**
 * Evaluates a PromQL expression at one time for the rules: an instant vector (a scalar comes
 * back as one sample without labels). Rules get this function, not the engine.
 */
export type RuleQuery = (expr: Expr, t: number) => Promise<RuleSample[]>;

/** Where rule results are written: the ingest path (WAL, then storage), like scraped samples. */
export interface RuleIngest {
  session(tenant: string): AppendSession;
  commit(protocol: 'rules', session: AppendSession): Promise<unknown>;
}

export interface RuleHealth {
  health: 'unknown' | 'ok' | 'err';
  lastError: string;
  /** ms since the epoch; 0 before the first evaluation. */
  lastEvaluation: number;
  evaluationSeconds: number;
}

/** An alert as the API shows it: with its labels and annotations filled in. */
export interface ShownAlert extends Alert {
  annotations: Record<string, string>;
}

export interface RuleRun extends RuleHealth {
  rule: Rule;
  tracker: AlertTracker | undefined;
  /** Annotations per alert label set, filled in at the last evaluation. */
  annotations: Map<Alert, Record<string, string>>;
  /** Series written at the last evaluation (key → labels): the ones gone get staleness markers. */
  written: Map<string, Labels>;
}

/** An alert handed to the Alertmanager side (firing, or resolved with its end time). */
export interface SentAlert {
  labels: Labels;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
}

export interface GroupOptions {
  /** Receives the group's firing and resolved alerts after each evaluation (Prometheus sends them to Alertmanager). */
  notify?: (alerts: SentAlert[]) => void;
  /** Receives every alert state change with the rule and group (the alert history). */
  onStateChange?: (changes: (StateChange & { rule: string; group: string })[]) => void;
  /** How far back the alerts of before a restart are looked for (Prometheus: 1h); 0 = never. */
  restoreWindowMs?: number;
  tenant: string;
  query: RuleQuery;
  ingest: RuleIngest;
  externalLabels: Record<string, string>;
  externalURL: string;
}

/**
 * One rule group, evaluated rule after rule at a given time (the manager decides when):
 * recording rules write their result back as series named by `record`; alerting rules update
 * their alerts and write `ALERTS` and `ALERTS_FOR_STATE`. A failing rule is recorded in its
 * health and does not stop the others. Series a rule no longer produces get staleness markers.
 */
export class GroupRunner {
  readonly runs: RuleRun[];
  /** Label and annotation templates, compiled once (rule files are checked at load). */
  private readonly templates = new Map<string, Template>();
  lastEvaluation = 0;
  evaluationSeconds = 0;

  constructor(readonly group: RuleGroup, private readonly o: GroupOptions) {
    this.runs = group.rules.map((rule) => ({
      rule, tracker: rule.kind === 'alerting' ? new AlertTracker(rule) : undefined, annotations: new Map(), written: new Map(),
      health: 'unknown', lastError: '', lastEvaluation: 0, evaluationSeconds: 0,
    }));
  }

  private restored = false;

  async evaluate(t: number): Promise<void> {
    const started = performance.now();
    if (!this.restored) {
      this.restored = true;
      await this.restore(t);
    }
    const session = this.o.ingest.session(this.o.tenant);
    for (const run of this.runs) {
      const t0 = performance.now();
      let out: { labels: Labels; value: number }[] = [];
      try {
        out = await this.evaluateRule(run, t);
        run.health = 'ok';
        run.lastError = '';
      } catch (err) {
        run.health = 'err';
        run.lastError = (err as Error).message;
        out = [];
      }
      write(session, run, out, t);
      run.lastEvaluation = t;
      run.evaluationSeconds = (performance.now() - t0) / 1000;
    }
    await this.o.ingest.commit('rules', session);
    this.send(t);
    this.lastEvaluation = t;
    this.evaluationSeconds = (performance.now() - started) / 1000;
  }

  /**
   * Before the first evaluation: the start times of alerts that were active before a restart,
   * from their `ALERTS_FOR_STATE` series (rules with a `for` only, as Prometheus restores).
   */
  private async restore(t: number): Promise<void> {
    const window = this.o.restoreWindowMs ?? 0;
    if (window <= 0) return;
    for (const run of this.runs) {
      if (run.rule.kind !== 'alerting' || run.rule.forMs <= 0 || !run.tracker) continue;
      const expr = parse(`last_over_time(ALERTS_FOR_STATE{alertname=${JSON.stringify(run.rule.alert)}}[${window}ms])`);
      try {
        const found = await this.o.query(expr, t - 1);
        run.tracker.restore(found.map((s) => ({ labels: s.labels, activeAt: s.value * 1000 })));
      } catch (err) {
        run.lastError = `restoring alert state: ${(err as Error).message}`;
      }
    }
  }

  /**
   * Firing alerts go out with an end time four intervals ahead (renewed at each evaluation, so
   * they stay active while the rule keeps firing); resolved ones with the time they resolved.
   */
  private send(t: number): void {
    if (!this.o.notify) return;
    const ahead = 4 * Math.max(this.group.intervalMs || 60_000, 60_000);
    const out: SentAlert[] = [];
    for (const run of this.runs) {
      for (const a of run.tracker?.alerts() ?? []) {
        const annotations = run.annotations.get(a) ?? {};
        if (a.state === 'firing') out.push({ labels: a.labels, annotations, startsAt: a.firedAt, endsAt: t + ahead });
        else if (a.state === 'inactive' && a.firedAt > 0) out.push({ labels: a.labels, annotations, startsAt: a.firedAt, endsAt: a.resolvedAt });
      }
    }
    if (out.length > 0) this.o.notify(out);
  }

  /** Carries alert state over from the group this one replaces (a reload): same rule, same state. */
  adopt(previous: GroupRunner): void {
    for (const run of this.runs) {
      const old = previous.runs.find((r) => r.rule.kind === run.rule.kind && ruleName(r.rule) === ruleName(run.rule) && r.rule.exprText === run.rule.exprText);
      if (!old) continue;
      if (run.tracker && old.tracker) run.tracker.adopt(old.tracker);
      Object.assign(run, { annotations: old.annotations, written: old.written, health: old.health, lastError: old.lastError, lastEvaluation: old.lastEvaluation, evaluationSeconds: old.evaluationSeconds });
    }
    this.restored = previous.restored;
  }

  /** The pending and firing alerts of one rule of the group, annotations filled in. */
  alertsOf(run: RuleRun): ShownAlert[] {
    return (run.tracker?.alerts() ?? []).filter((a) => a.state !== 'inactive').map((a) => ({ ...a, annotations: run.annotations.get(a) ?? {} }));
  }

  /** The pending and firing alerts of every alerting rule of the group. */
  alerts(): ShownAlert[] {
    return this.runs.flatMap((r) => this.alertsOf(r));
  }

  private async evaluateRule(run: RuleRun, t: number): Promise<{ labels: Labels; value: number }[]> {
    const rule = run.rule;
    const result = await this.o.query(rule.expr, t);
    if (rule.kind === 'recording') {
      if (this.group.limit > 0 && result.length > this.group.limit) throw new Error(`exceeded limit of ${this.group.limit} with ${result.length} series`);
      return result.map((s) => ({ labels: withRuleLabels(s.labels, rule.labels, { __name__: rule.record }), value: s.value }));
    }
    // Label values of alerting rules are templates too, filled in per sample; annotations are
    // filled in with the sample's own labels and value (kept from the last time it was seen).
    const tracker = run.tracker!;
    const items = result.map((s) => ({ sample: s, labels: withRuleLabels(s.labels, this.expandAll(rule.labels, s), {}) }));
    const alerts = tracker.update(t, items.map((i) => ({ labels: i.labels, value: i.sample.value })), this.group.limit);
    if (tracker.changes.length > 0) this.o.onStateChange?.(tracker.changes.map((c) => ({ ...c, rule: rule.alert, group: this.group.name })));
    const sampleOf = new Map(items.map((i) => [labelsKey(tracker.alertLabels(i.labels)), i.sample]));
    const previous = run.annotations;
    run.annotations = new Map(alerts.map((a) => {
      const s = sampleOf.get(labelsKey(a.labels));
      return [a, s ? this.expandAll(rule.annotations, s) : previous.get(a) ?? {}];
    }));
    return alerts.filter((a) => a.state !== 'inactive').flatMap((a) => [
      { labels: { ...a.labels, __name__: 'ALERTS', alertstate: a.state }, value: 1 },
      { labels: { ...a.labels, __name__: 'ALERTS_FOR_STATE' }, value: a.activeAt / 1000 },
    ]);
  }

  private expandAll(templates: Record<string, string>, s: RuleSample): Record<string, string> {
    const out: Record<string, string> = {};
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels)) if (k !== '__name__') labels[k] = v;
    for (const [k, text] of Object.entries(templates)) {
      try {
        let template = this.templates.get(text);
        if (!template) this.templates.set(text, (template = new Template(text)));
        out[k] = template.expand({ labels, value: s.value, externalLabels: this.o.externalLabels, externalURL: this.o.externalURL });
      } catch (err) {
        out[k] = `<error expanding template: ${(err as Error).message}>`;
      }
    }
    return out;
  }
}

function ruleName(r: Rule): string {
  return r.kind === 'recording' ? r.record : r.alert;
}

/** Result labels with the rule's labels over them (an empty value removes the label). */
function withRuleLabels(l: Labels, ruleLabels: Record<string, string>, extra: Record<string, string>): Labels {
  const out = new Map(Object.entries(l));
  for (const [k, v] of Object.entries({ ...ruleLabels, ...extra })) {
    if (v === '') out.delete(k);
    else out.set(k, v);
  }
  return Object.fromEntries(out);
}

function write(session: AppendSession, run: RuleRun, out: { labels: Labels; value: number }[], t: number): void {
  const now = new Map<string, Labels>();
  for (const s of out) {
    const key = labelsKey(s.labels);
    now.set(key, s.labels);
    const state = session.series(`rule\u0002${key}`, () => Object.entries(s.labels), 1);
    if (state) session.sample(state, t, s.value, false);
  }
  for (const [key, labels] of run.written) {
    if (now.has(key)) continue;
    const state = session.series(`rule\u0002${key}`, () => Object.entries(labels), 1);
    if (state) session.sample(state, t, Number.NaN, true);
  }
  run.written = now;
}
