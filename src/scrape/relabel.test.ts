import { describe, expect, it } from 'vitest';
import type { RelabelConfig } from '../config/schema.js';
import type { ScrapeJob } from '../config/load.js';
import { compileRelabel } from './relabel.js';
import { buildTargets } from './targets.js';

const rc = (c: Partial<RelabelConfig>): RelabelConfig => ({ source_labels: [], separator: ';', regex: '(.*)', target_label: '', replacement: '$1', action: 'replace', ...c });

describe('relabel', () => {
  it('replaces with capture groups, Go ${n} syntax and anchoring', () => {
    const f = compileRelabel([
      rc({ source_labels: ['__address__'], regex: '(.*):(\\d+)', target_label: 'host', replacement: '${1}' }),
      rc({ source_labels: ['a', 'b'], target_label: 'ab', replacement: '$1!' }),
      rc({ source_labels: ['a'], regex: 'x', target_label: 'never' }),
    ]);
    const labels = new Map([['__address__', 'db:9100'], ['a', 'xx'], ['b', 'y']]);
    expect(f(labels)).toBe(true);
    expect(labels.get('host')).toBe('db');
    expect(labels.get('ab')).toBe('xx;y!');
    expect(labels.has('never')).toBe(false);
  });

  it('keeps, drops, maps and drops labels', () => {
    const keep = compileRelabel([rc({ action: 'keep', source_labels: ['env'], regex: 'prod' })]);
    expect(keep(new Map([['env', 'prod']]))).toBe(true);
    expect(keep(new Map([['env', 'production']]))).toBe(false);
    const drop = compileRelabel([rc({ action: 'drop', source_labels: ['__name__'], regex: 'go_.*' })]);
    expect(drop(new Map([['__name__', 'go_gc']]))).toBe(false);
    const map = compileRelabel([rc({ action: 'labelmap', regex: '__meta_(.+)' }), rc({ action: 'labeldrop', regex: '__meta_.*' })]);
    const l = new Map([['__meta_zone', 'eu'], ['x', '1']]);
    map(l);
    expect([...l]).toEqual([['x', '1'], ['zone', 'eu']]);
  });
});

describe('targets', () => {
  const job = (over: Partial<ScrapeJob>): ScrapeJob => ({
    jobName: 'node', intervalMs: 15_000, timeoutMs: 10_000, metricsPath: '/metrics', scheme: 'http', honorLabels: false,
    honorTimestamps: true, params: {}, staticConfigs: [], relabelConfigs: [], metricRelabelConfigs: [], ...over,
  });

  it('builds job/instance labels and the URL', () => {
    const [t] = buildTargets(job({ staticConfigs: [{ targets: ['h:9100'], labels: { env: 'prod' } }], params: { module: ['x'] } }));
    expect(t!.url).toBe('http://h:9100/metrics?module=x');
    expect(t!.labels).toEqual([['env', 'prod'], ['instance', 'h:9100'], ['job', 'node']]);
  });

  it('applies relabel_configs to targets, including dropping them and rewriting the address', () => {
    const targets = buildTargets(job({
      staticConfigs: [{ targets: ['a:1', 'b:2'], labels: {} }],
      relabelConfigs: [
        rc({ action: 'drop', source_labels: ['__address__'], regex: 'b:.*' }),
        rc({ source_labels: ['__address__'], target_label: 'instance', regex: '(.*):.*', replacement: '$1' }),
        rc({ source_labels: ['__address__'], target_label: '__metrics_path__', replacement: '/probe' }),
      ],
    }));
    expect(targets).toHaveLength(1);
    expect(targets[0]!.url).toBe('http://a:1/probe');
    expect(targets[0]!.labels).toEqual([['instance', 'a'], ['job', 'node']]);
  });
});
