import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';

// An Alertmanager configuration file routes received alerts to receivers and inhibits warnings
// of an instance that has a critical alert; GET /api/v2/alerts shows both.
const dir = tempDir('am-config');
let server: TestServer;

beforeAll(async () => {
  const am = join(dir.path, 'alertmanager.yml');
  writeFileSync(am, 'route:\n  receiver: ops\n  routes:\n    - matchers: [severity="critical"]\n      receiver: pager\ninhibit_rules:\n  - source_matchers: [severity="critical"]\n    target_matchers: [severity="warning"]\n    equal: [instance]\nreceivers:\n  - name: ops\n  - name: pager\n');
  server = await startTestServer(`alertmanager:\n  config_file: ${am}\n`);
});
afterAll(async () => {
  await server.cleanup();
  dir.remove();
});

describe('routing and inhibition in /api/v2/alerts', () => {
  it('routes alerts and suppresses inhibited ones', async () => {
    const post = await fetch(`${server.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([
      { labels: { alertname: 'Down', severity: 'critical', instance: 'a' } },
      { labels: { alertname: 'Slow', severity: 'warning', instance: 'a' } },
      { labels: { alertname: 'Slow', severity: 'warning', instance: 'b' } },
    ]) });
    expect(post.status).toBe(200);
    type Listed = { fingerprint: string; labels: Record<string, string>; receivers: { name: string }[]; status: { state: string; inhibitedBy: string[] } }[];
    const all = (await (await fetch(`${server.url}/api/v2/alerts`)).json()) as Listed;
    const by = (name: string, instance: string) => all.find((a) => a.labels.alertname === name && a.labels.instance === instance)!;
    expect(by('Down', 'a')).toMatchObject({ receivers: [{ name: 'pager' }], status: { state: 'active', inhibitedBy: [] } });
    expect(by('Slow', 'a')).toMatchObject({ receivers: [{ name: 'ops' }], status: { state: 'suppressed', inhibitedBy: [by('Down', 'a').fingerprint] } });
    expect(by('Slow', 'b').status.state).toBe('active');
    const visible = (await (await fetch(`${server.url}/api/v2/alerts?inhibited=false`)).json()) as Listed;
    expect(visible.map((a) => `${a.labels.alertname}/${a.labels.instance}`).sort()).toEqual(['Down/a', 'Slow/b']);
    const receivers = (await (await fetch(`${server.url}/api/v2/receivers`)).json()) as { name: string }[];
    expect(receivers).toEqual([{ name: 'ops' }, { name: 'pager' }]);
  });
});
