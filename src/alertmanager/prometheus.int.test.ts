import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type PrometheusProcess } from '../../test/prometheus.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';
import { eventually } from '../../test/wait.js';

// A real Prometheus (Debian's package) with our server as its Alertmanager: its alerts arrive
// through POST /api/v2/alerts.
const dir = tempDir('prom-am');
let server: TestServer;
let prometheus: PrometheusProcess;

beforeAll(async () => {
  server = await startTestServer();
  writeFileSync(join(dir.path, 'rules.yml'), 'groups:\n  - name: p\n    rules:\n      - alert: FromPrometheus\n        expr: vector(1)\n        labels: { severity: page }\n        annotations: { summary: "sent by Prometheus" }\n');
  const target = server.url.replace('http://', '');
  prometheus = await startPrometheus(dir.path, `global:
  evaluation_interval: 1s
rule_files: [${join(dir.path, 'rules.yml')}]
alerting:
  alertmanagers:
    - api_version: v2
      static_configs:
        - targets: ['${target}']
`, ['--rules.alert.resend-delay=1s']); // the first sends may come before the Alertmanager is discovered
}, 600_000);
afterAll(async () => {
  await prometheus.stop();
  await server.cleanup();
  dir.remove();
});

describe('Prometheus sends its alerts to us', () => {
  it('receives the firing alert of a Prometheus rule', async () => {
    type Listed = { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string }; generatorURL: string }[];
    const got = await eventually(async () => (await (await fetch(`${server.url}/api/v2/alerts`)).json()) as Listed, (l) => l.length > 0, 'the alert from Prometheus', { timeoutMs: 60_000, context: () => prometheus.log() });
    expect(got).toMatchObject([{ labels: { alertname: 'FromPrometheus', severity: 'page' }, annotations: { summary: 'sent by Prometheus' }, status: { state: 'active' } }]);
    expect(got[0]!.generatorURL).toContain('/graph?g0.expr=');
  });
});
