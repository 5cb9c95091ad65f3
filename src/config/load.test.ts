import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

const load = (yaml: string | null, argv: string[] = [], env: Record<string, string> = {}) =>
  loadConfig({ argv: yaml === null ? argv : ['--config', 'x.yml', ...argv], env, readFile: () => yaml ?? '' });

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives working defaults with no file', () => {
    const c = load(null);
    expect(c.server.port).toBe(9900);
    expect(c.storage.mode).toBe('embedded');
    expect(c.storage.dataDir).toBe('./data');
    expect(c.server.bodyLimitBytes).toBe(64 * 1024 * 1024);
    expect(c.retention.metricsMs).toBe(30 * 86_400_000);
  });

  it('applies file, then env, then flags', () => {
    const yaml = 'server:\n  port: 1000\nstorage:\n  data_dir: /a\nretention:\n  metrics: 7d\n';
    expect(load(yaml).server.port).toBe(1000);
    expect(load(yaml, [], { PORT: '2000' }).server.port).toBe(2000);
    const c = load(yaml, ['--port', '3000', '--data-dir', '/b'], { PORT: '2000', DATA_DIR: '/c' });
    expect(c.server.port).toBe(3000);
    expect(c.storage.dataDir).toBe('/b');
    expect(c.retention.metricsMs).toBe(7 * 86_400_000);
  });

  it('switches to server mode when a storage URL is given', () => {
    expect(load(null, ['--storage-url', 'http://ch:8123']).storage.mode).toBe('server');
    expect(load(null, [], { STORAGE_URL: 'http://ch:8123', STORAGE_MODE: 'embedded' }).storage.mode).toBe('embedded');
  });

  it('names unknown and bad keys', () => {
    const p = problems(() => load('server:\n  prot: 1\n  port: -5\nbogus: true\n'));
    expect(p).toContain('server: unknown key "prot"');
    expect(p).toContain('(top level): unknown key "bogus"');
    expect(p.some((x) => x.startsWith('server.port:'))).toBe(true);
  });

  it('rejects bad durations, sizes, flags and YAML', () => {
    expect(problems(() => load('retention:\n  metrics: 10 days\n'))).toEqual(['retention.metrics: not a valid duration string: "10 days"']);
    expect(problems(() => load('wal:\n  max_pending: lots\n'))[0]).toMatch(/^wal.max_pending: not a valid size/);
    expect(problems(() => load(null, ['--prot', '1']))[0]).toMatch(/Unknown option '--prot'/);
    expect(problems(() => load('a: [1'))[0]).toMatch(/^x.yml: /);
    expect(problems(() => load(null, [], { PORT: 'eighty' }))[0]).toMatch(/^server.port:/);
  });

  it('resolves scrape jobs with global defaults and checks them', () => {
    const yaml = [
      'global:', '  scrape_interval: 30s',
      'scrape_configs:',
      '  - job_name: node', '    static_configs:', '      - targets: ["a:9100"]',
      '  - job_name: fast', '    scrape_interval: 5s',
    ].join('\n');
    const c = load(yaml);
    expect(c.scrapeJobs[0]).toMatchObject({ jobName: 'node', intervalMs: 30_000, timeoutMs: 10_000, metricsPath: '/metrics' });
    expect(c.scrapeJobs[1]).toMatchObject({ intervalMs: 5000, timeoutMs: 5000 });
    const bad = 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: "("\n        target_label: x\n  - job_name: a\n';
    const p = problems(() => load(bad));
    expect(p.some((x) => x.includes('relabel_configs.0.regex'))).toBe(true);
    expect(p.some((x) => x.includes('duplicate job name'))).toBe(true);
  });
});
