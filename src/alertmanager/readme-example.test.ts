import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { kpiGroup } from '../rules/kpi.js';
import { parseAmConfig } from './config.js';

// The README's complete alerting example must stay a configuration we accept.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function block(after: string): string {
  const at = readme.indexOf(after);
  expect(at, `README mentions ${after}`).toBeGreaterThan(0);
  const m = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at));
  return m![1]!;
}

describe('the README alerting example', () => {
  it('is a valid server configuration with valid KPI thresholds', () => {
    const config = loadConfig({ argv: ['--config', '/etc/allseer/allseer.yml'], env: {}, readFile: () => block('**A complete example.**') });
    expect(config.alertmanagerConfigFile).toBe('/etc/allseer/alertmanager.yml');
    expect(kpiGroup(config.kpis).errors).toEqual([]);
  });

  it('is a valid Alertmanager configuration with every integration, interval and escalation', () => {
    const { config, errors } = parseAmConfig(block('`alertmanager.yml`:'), 'alertmanager.yml');
    expect(errors).toEqual([]);
    expect([...config!.integrations.values()].flat().map((i) => i.type).sort()).toEqual(['console', 'discord', 'email', 'email', 'pagerduty', 'slack', 'webhook']);
    expect([...config!.timeIntervals.keys()]).toEqual(['weekend', 'office-hours']);
    expect(config!.route.routes[0]!.escalations).toEqual([{ afterMs: 900_000, receiver: 'lead' }]);
  });
});
