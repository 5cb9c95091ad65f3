import { describe, expect, it } from 'vitest';
import { kpiGroup, type Kpi } from './kpi.js';

const kpi = (o: Partial<Kpi>): Kpi => ({ name: 'CheckoutLatency', query: 'checkout_p95_seconds', for: '5m', labels: { team: 'shop' }, description: '', ...o });

describe('kpiGroup', () => {
  it('turns thresholds into one alerting rule per level', () => {
    const { group, errors } = kpiGroup([kpi({ warning: { max: 0.5 }, critical: { min: 0, max: 1 }, description: 'p95 of checkout', cooldown: '30m' })]);
    expect(errors).toEqual([]);
    expect(group!.name).toBe('kpis');
    expect(group!.rules.map((r) => [r.kind === 'alerting' ? r.alert : '', r.exprText, r.labels])).toEqual([
      ['CheckoutLatency', '(checkout_p95_seconds) > 0.5', { team: 'shop', severity: 'warning', kpi: 'CheckoutLatency' }],
      ['CheckoutLatency', '(checkout_p95_seconds) < 0 or (checkout_p95_seconds) > 1', { team: 'shop', severity: 'critical', kpi: 'CheckoutLatency' }],
    ]);
    expect(group!.rules[1]).toMatchObject({ forMs: 300_000, annotations: { summary: 'KPI CheckoutLatency is {{ $value }}, critical when below 0 or above 1', description: 'p95 of checkout', cooldown: '30m' } });
  });

  it('names every problem with its place in the config', () => {
    const { group, errors } = kpiGroup([
      kpi({ query: 'sum(', warning: { max: 1 } }),
      kpi({ name: 'NoThreshold' }),
      kpi({ name: 'Inverted', critical: { min: 5, max: 1 }, for: 'soon', cooldown: 'later' }),
    ]);
    expect(group).toBeUndefined();
    expect(errors).toEqual([
      expect.stringMatching(/^kpis\.0\.query: 1:5: parse error/) as unknown,
      'kpis.1: set a warning or critical threshold (min and/or max)',
      expect.stringMatching(/^kpis\.2\.for: /) as unknown,
      expect.stringMatching(/^kpis\.2\.cooldown: /) as unknown,
      'kpis.2.critical: min (5) must be below max (1)',
    ]);
  });

  it('turns event KPIs into rules on their kpi_value series, and checks their period', () => {
    const { group, errors } = kpiGroup([kpi({ name: 'Signups', query: '', event: { name: 'signup', measure: 'count' }, period: '1d', critical: { min: 3 } })]);
    expect(errors).toEqual([]);
    expect(group!.rules.map((r) => r.exprText)).toEqual(['(kpi_value{kpi="Signups"}) < 3']);
    const bad = kpiGroup([
      kpi({ name: 'A', query: '', event: { name: 'x', measure: 'count' }, period: '2h', warning: { max: 1 } }),
      kpi({ name: 'B', query: 'up', event: { name: 'x', measure: 'count' }, warning: { max: 1 } }),
      kpi({ name: 'C', query: '', event: { name: 'x', measure: 'sum' }, period: '1h', warning: { max: 1 } }),
    ]);
    expect(bad.errors).toEqual([
      "kpis.0.period: an event KPI's period is 1h, 1d, 7d or 30d",
      'kpis.1: give either query (PromQL) or event',
      'kpis.2.event: measure sum needs a property',
    ]);
  });
});
