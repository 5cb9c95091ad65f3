import { describe, expect, it } from 'vitest';
import { parse } from '../promql/parse.js';
import { AlertTracker, RESOLVED_RETENTION_MS } from './alert-state.js';
import type { AlertingRule } from './rule-file.js';

const MIN = 60_000;

function rule(o: Partial<AlertingRule> = {}): AlertingRule {
  return { kind: 'alerting', alert: 'InstanceDown', expr: parse('up == 0'), exprText: 'up == 0', forMs: 5 * MIN, keepFiringForMs: 0, labels: { severity: 'page' }, annotations: {}, ...o };
}

const down = (instance: string, value = 0) => ({ labels: { __name__: 'up', job: 'node', instance }, value });

describe('AlertTracker', () => {
  it('goes pending, fires after `for`, resolves, and forgets resolved alerts after 15 minutes', () => {
    const t = new AlertTracker(rule());
    let a = t.update(0, [down('a')]);
    expect(a).toMatchObject([{ state: 'pending', activeAt: 0, labels: { alertname: 'InstanceDown', job: 'node', instance: 'a' } }]);
    expect(a[0]!.labels).not.toHaveProperty('__name__');
    expect(t.update(4 * MIN, [down('a')])[0]!.state).toBe('pending');
    a = t.update(5 * MIN, [down('a', 2)]);
    expect(a[0]).toMatchObject({ state: 'firing', firedAt: 5 * MIN, activeAt: 0, value: 2 });
    a = t.update(6 * MIN, []);
    expect(a[0]).toMatchObject({ state: 'inactive', resolvedAt: 6 * MIN });
    expect(t.update(6 * MIN + RESOLVED_RETENTION_MS, [])).toHaveLength(1);
    expect(t.update(7 * MIN + RESOLVED_RETENTION_MS, [])).toEqual([]);
  });

  it('drops a pending alert that disappears, and starts over when it comes back', () => {
    const t = new AlertTracker(rule());
    t.update(0, [down('a')]);
    expect(t.update(MIN, [])).toEqual([]);
    expect(t.update(2 * MIN, [down('a')])[0]).toMatchObject({ state: 'pending', activeAt: 2 * MIN });
  });

  it('fires at once without `for`, and a resolved alert that returns is new', () => {
    const t = new AlertTracker(rule({ forMs: 0 }));
    expect(t.update(0, [down('a')])[0]!.state).toBe('firing');
    t.update(MIN, []);
    const again = t.update(2 * MIN, [down('a')]);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ state: 'firing', activeAt: 2 * MIN, resolvedAt: 0 });
  });

  it('keeps firing for keep_firing_for after the expression stops returning it', () => {
    const t = new AlertTracker(rule({ forMs: 0, keepFiringForMs: 2 * MIN }));
    t.update(0, [down('a')]);
    expect(t.update(MIN, [])[0]).toMatchObject({ state: 'firing', keepFiringSince: MIN });
    expect(t.update(2 * MIN, [])[0]!.state).toBe('firing');
    expect(t.update(3 * MIN, [])[0]).toMatchObject({ state: 'inactive', resolvedAt: 3 * MIN });
    // Returning while kept firing resets the clock.
    const u = new AlertTracker(rule({ forMs: 0, keepFiringForMs: 2 * MIN }));
    u.update(0, [down('a')]);
    u.update(MIN, []);
    expect(u.update(2 * MIN, [down('a')])[0]).toMatchObject({ state: 'firing', keepFiringSince: 0 });
  });

  it('names alerts by their labels and alertname, and refuses duplicate label sets', () => {
    const t = new AlertTracker(rule());
    expect(t.update(0, [down('a')])[0]!.labels).toEqual({ alertname: 'InstanceDown', job: 'node', instance: 'a' });
    expect(() => new AlertTracker(rule()).update(0, [down('a'), down('a')])).toThrow('same labelset');
  });

  it('clears the rule and reports an error past its limit', () => {
    const t = new AlertTracker(rule());
    expect(() => t.update(0, [down('a'), down('b'), down('c')], 2)).toThrow('exceeded limit of 2 with 3 alerts');
    expect(t.alerts()).toEqual([]);
    expect(t.update(MIN, [down('a')], 2)).toHaveLength(1);
  });

  it('continues alerts from before a restart with their old start time, once', () => {
    const t = new AlertTracker(rule());
    t.restore([{ labels: { __name__: 'ALERTS_FOR_STATE', alertname: 'InstanceDown', job: 'node', instance: 'a' }, activeAt: -6 * MIN }]);
    expect(t.update(0, [down('a'), down('b')]).map((a) => [a.labels.instance, a.state, a.activeAt])).toEqual([['a', 'firing', -6 * MIN], ['b', 'pending', 0]]);
    t.update(MIN, []);
    expect(t.update(2 * MIN, [down('a')])[0]).toMatchObject({ state: 'pending', activeAt: 2 * MIN }); // used once
  });
});
