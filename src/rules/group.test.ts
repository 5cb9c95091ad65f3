import { describe, expect, it } from 'vitest';
import { AppendSession } from '../ingest/append.js';
import { SeriesCache } from '../ingest/series-cache.js';
import { readBlock, type SampleRow } from '../storage/block-read.js';
import type { Labels } from '../storage/interface.js';
import type { RuleSample } from './alert-state.js';
import { GroupRunner, type RuleIngest } from './group.js';
import { parseRuleFile } from './rule-file.js';

const MIN = 60_000;
const limits = { maxLabelNameLength: 1024, maxLabelValueLength: 4096, maxLabelsPerSeries: 64 };

/** The ingest path up to the encoded block: what each evaluation wrote, decoded. */
function capture(): RuleIngest & { written: { labels: Labels; ts: number; value: number; stale: boolean }[] } {
  const cache = new SeriesCache();
  const written: { labels: Labels; ts: number; value: number; stale: boolean }[] = [];
  const labelsOf = new Map<string, Labels>();
  return {
    written,
    session: (tenant) => new AppendSession(tenant, cache, limits),
    commit: (_p, session) => {
      const b = readBlock(session.finish());
      for (const s of b.series) labelsOf.set(s.fingerprint, { __name__: s.metricName, ...s.labels });
      written.push(...b.samples.map((r: SampleRow) => ({ labels: labelsOf.get(r.fingerprint)!, ts: r.ts, value: r.value, stale: (r.flags & 1) === 1 })));
      return Promise.resolve();
    },
  };
}

const file = `groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: { team: infra }
      - alert: InstanceDown
        expr: up == 0
        for: 2m
        labels: { severity: "{{ if eq $labels.job \\"db\\" }}page{{ else }}ticket{{ end }}" }
        annotations:
          summary: "{{ $labels.instance }} of {{ $labels.job }} down ({{ $value }})"
      - alert: Broken
        expr: up == 0
`;

describe('GroupRunner', () => {
  it('records series, tracks alerts with ALERTS series, fills in templates, and marks vanished series stale', async () => {
    const { groups } = parseRuleFile(file, 'rules.yml');
    let up: RuleSample[] = [{ labels: { __name__: 'up', job: 'db', instance: 'a' }, value: 0 }, { labels: { __name__: 'up', job: 'web', instance: 'b' }, value: 1 }];
    const ingest = capture();
    const g = new GroupRunner(groups[0]!, {
      tenant: 'default', ingest, externalLabels: {}, externalURL: '',
      query: (expr, t) => {
        if (t >= 10 * MIN && expr === groups[0]!.rules[2]!.expr) return Promise.reject(new Error('boom'));
        const text = expr === groups[0]!.rules[0]!.expr ? 'sum' : 'cmp';
        return Promise.resolve(text === 'sum' ? [{ labels: { job: 'db' }, value: 0 }, { labels: { job: 'web' }, value: 1 }] : up.filter((s) => s.value === 0));
      },
    });
    await g.evaluate(0);
    expect(ingest.written.filter((w) => w.labels.__name__ === 'job:up:sum')).toEqual([
      { labels: { __name__: 'job:up:sum', job: 'db', team: 'infra' }, ts: 0, value: 0, stale: false },
      { labels: { __name__: 'job:up:sum', job: 'web', team: 'infra' }, ts: 0, value: 1, stale: false },
    ]);
    const alerts = g.alerts();
    expect(alerts.find((a) => a.labels.alertname === 'InstanceDown')).toMatchObject({
      state: 'pending', labels: { alertname: 'InstanceDown', job: 'db', instance: 'a', severity: 'page' },
      annotations: { summary: 'a of db down (0)' },
    });
    expect(ingest.written).toContainEqual({ labels: { __name__: 'ALERTS', alertname: 'InstanceDown', alertstate: 'pending', job: 'db', instance: 'a', severity: 'page' }, ts: 0, value: 1, stale: false });
    expect(ingest.written).toContainEqual({ labels: { __name__: 'ALERTS_FOR_STATE', alertname: 'InstanceDown', job: 'db', instance: 'a', severity: 'page' }, ts: 0, value: 0, stale: false });

    await g.evaluate(2 * MIN);
    expect(g.alerts().find((a) => a.labels.alertname === 'InstanceDown')!.state).toBe('firing');
    const at2 = ingest.written.filter((w) => w.ts === 2 * MIN && w.labels.alertname === 'InstanceDown');
    expect(at2.map((w) => [w.labels.__name__, w.labels.alertstate, w.stale])).toEqual(expect.arrayContaining([['ALERTS', 'firing', false], ['ALERTS', 'pending', true]]));

    up = [];
    await g.evaluate(3 * MIN);
    expect(g.alerts()).toEqual([]);
    expect(ingest.written.filter((w) => w.ts === 3 * MIN && w.labels.alertname === 'InstanceDown').every((w) => w.stale)).toBe(true);

    await g.evaluate(10 * MIN);
    expect(g.runs.map((r) => r.health)).toEqual(['ok', 'ok', 'err']);
    expect(g.runs[2]!.lastError).toBe('boom');
  });
});
