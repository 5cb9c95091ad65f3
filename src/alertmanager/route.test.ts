import { describe, expect, it } from 'vitest';
import { parseAmConfig } from './config.js';
import { inhibitedBy, routesFor } from './route.js';

const yaml = `route:
  receiver: team-default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: ['service=~"db|cache"']
      receiver: team-db
      group_by: [alertname, instance]
      continue: true
      routes:
        - matchers: [severity="critical"]
          receiver: db-pager
          repeat_interval: 1h
    - match: { service: db }
      receiver: db-audit
    - match_re: { service: "web.*" }
      receiver: team-web
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [instance]
receivers:
  - name: team-default
  - name: team-db
  - name: db-pager
  - name: db-audit
  - name: team-web
`;

describe('Alertmanager routing and inhibition', () => {
  const { config, errors } = parseAmConfig(yaml, 'am.yml');

  it('reads the route tree with inherited settings', () => {
    expect(errors).toEqual([]);
    const db = config!.route.routes[0]!;
    expect(db).toMatchObject({ receiver: 'team-db', groupBy: ['alertname', 'instance'], groupWaitMs: 10_000, continue: true });
    expect(db.routes[0]).toMatchObject({ receiver: 'db-pager', groupBy: ['alertname', 'instance'], groupWaitMs: 10_000, repeatIntervalMs: 3_600_000 });
    expect(config!.route.routes[2]!.matchers).toEqual([{ name: 'service', value: 'web.*', isRegex: true, isEqual: true }]);
  });

  it('picks routes depth first, the first matching sibling unless it continues', () => {
    const to = (labels: Record<string, string>) => routesFor(config!.route, labels).map((r) => r.receiver);
    expect(to({ service: 'db', severity: 'critical' })).toEqual(['db-pager', 'db-audit']);
    expect(to({ service: 'cache' })).toEqual(['team-db']);
    expect(to({ service: 'web-1' })).toEqual(['team-web']);
    expect(to({ service: 'other' })).toEqual(['team-default']);
  });

  it('inhibits warnings of an instance while it has a critical alert', () => {
    const crit = { fingerprint: 'c', labels: { alertname: 'Down', severity: 'critical', instance: 'a' } };
    const warn = { fingerprint: 'w', labels: { alertname: 'Slow', severity: 'warning', instance: 'a' } };
    const other = { fingerprint: 'o', labels: { alertname: 'Slow', severity: 'warning', instance: 'b' } };
    const firing = [crit, warn, other];
    expect(inhibitedBy(config!.inhibitRules, warn, firing)).toEqual(['c']);
    expect(inhibitedBy(config!.inhibitRules, other, firing)).toEqual([]);
    expect(inhibitedBy(config!.inhibitRules, crit, firing)).toEqual([]);
  });

  it('names problems with file, line and column', () => {
    const bad = parseAmConfig('route:\n  receiver: nobody\n  routes:\n    - matchers: ["a=~("]\n      receiver: x\nreceivers:\n  - name: x\n', 'bad.yml');
    expect(bad.config).toBeUndefined();
    expect(bad.errors).toEqual([expect.stringMatching(/^bad\.yml:4:17: /) as unknown, 'bad.yml:2:13: undefined receiver "nobody" used in route']);
    expect(parseAmConfig('receivers: []\n', 'x.yml').errors).toEqual(['x.yml:1:1: no route provided in config']);
  });
});
