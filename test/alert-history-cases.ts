import { expect } from 'vitest';
import type { AlertHistoryStorage } from '../src/storage/interface.js';

/**
 * Writes alert events and notification attempts around `T0` (ms) through `h` and reads them
 * back with every filter: the same checks for each connection the history is stored through.
 */
export async function checkAlertHistory(h: AlertHistoryStorage, T0: number): Promise<void> {
  const ev = (time: number, rule: string, state: 'firing' | 'resolved', labels: Record<string, string>) => ({
    time: T0 + time, rule, group: 'g', fingerprint: `fp-${rule}`, labels: { alertname: rule, ...labels }, state, previous: state === 'firing' ? 'pending' : 'firing', value: state === 'firing' ? Number.NaN : 0.5, activeAt: T0, source: 'rule' as const,
  });
  const events = [ev(1000, 'A', 'firing', { team: 'db' }), ev(5000, 'A', 'resolved', { team: 'db' }), { ...ev(2000, 'B', 'firing', { team: 'web' }), value: -Infinity }];
  await h.writeAlertEvents('default', events, 'tok');
  await h.writeAlertEvents('default', events, 'tok'); // a retry with the same token stores nothing twice
  await h.writeAlertEvents('other', [ev(1500, 'A', 'firing', {})], 'tok2');
  const all = await h.alertEvents('default', { range: { start: T0 + 0, end: T0 + 10_000 }, matcherSets: [], limit: 100 });
  expect(all.map((e) => `${e.time - T0}:${e.rule}:${e.state}`)).toEqual(['5000:A:resolved', '2000:B:firing', '1000:A:firing']);
  expect(all[2]).toEqual(events[0]);
  expect(all.map((e) => e.value)).toEqual([0.5, -Infinity, Number.NaN]);
  expect((await h.alertEvents('default', { range: { start: T0 + 0, end: T0 + 10_000 }, rule: 'A', matcherSets: [], limit: 1 })).map((e) => e.time)).toEqual([T0 + 5000]);
  expect((await h.alertEvents('default', { range: { start: T0 + 0, end: T0 + 10_000 }, matcherSets: [[{ name: 'team', type: '=~', value: 'w.*' }]], limit: 100 })).map((e) => e.rule)).toEqual(['B']);
  expect(await h.alertEvents('default', { range: { start: T0 + 2001, end: T0 + 4999 }, matcherSets: [], limit: 100 })).toEqual([]);

  const attempt = { time: T0 + 3000, receiver: 'team', integration: 'webhook/0', groupKey: 'k', status: 'firing' as const, fingerprints: ['fp-A'], rules: ['A'], outcome: 'failed' as const, error: 'answered 503', attempt: 1 };
  await h.writeNotificationAttempts('default', [attempt, { ...attempt, time: T0 + 4000, outcome: 'sent', error: '', attempt: 2 }, { ...attempt, receiver: 'boss', rules: ['B'], outcome: 'sent', error: '' }], 'tok3');
  expect((await h.notificationAttempts('default', { range: { start: T0 + 0, end: T0 + 10_000 }, receiver: 'team', limit: 100 })).map((a) => a.outcome)).toEqual(['sent', 'failed']);
  expect(await h.notificationAttempts('default', { range: { start: T0 + 0, end: T0 + 10_000 }, outcome: 'failed', limit: 100 })).toEqual([attempt]);
  expect((await h.notificationAttempts('default', { range: { start: T0 + 0, end: T0 + 10_000 }, rule: 'B', limit: 100 })).map((a) => a.receiver)).toEqual(['boss']);
}
