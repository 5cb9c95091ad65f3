import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../storage/interface.js';
import { reliability } from './history.js';

const ev = (rule: string, fingerprint: string, state: AlertEvent['state'], seconds: number): AlertEvent => ({
  time: seconds * 1000, rule, group: 'g', fingerprint, labels: { alertname: rule }, state, previous: '', value: 1, activeAt: 0, source: 'rule',
});

describe('reliability', () => {
  it('computes MTTR and MTBF per rule from firing and resolved events', () => {
    const out = reliability([
      // rule A, alert a1: fires 0–60, 160–200 (gap 100); alert a2: fires 50–150, then fires again at 400 (open).
      ev('A', 'a1', 'pending', 0), ev('A', 'a1', 'firing', 0), ev('A', 'a1', 'resolved', 60),
      ev('A', 'a1', 'firing', 160), ev('A', 'a1', 'resolved', 200),
      ev('A', 'a2', 'firing', 50), ev('A', 'a2', 'resolved', 150), ev('A', 'a2', 'firing', 400),
      // rule B: resolved without a firing in range (ignored), then one open incident.
      ev('B', 'b1', 'resolved', 10), ev('B', 'b1', 'firing', 20),
    ].reverse());
    expect(out).toEqual([
      { rule: 'A', incidents: 4, resolved: 3, mttrSeconds: (60 + 40 + 100) / 3, mtbfSeconds: (100 + 250) / 2 },
      { rule: 'B', incidents: 1, resolved: 0, mttrSeconds: null, mtbfSeconds: null },
    ]);
  });
});
