import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/server.js';
import { tempDir } from '../../test/tmp.js';
import { eventually } from '../../test/wait.js';

// Its own file: chDB opens one data directory per process, and this test restarts a server on
// the same directory.
describe('alert state across a restart', () => {
  it('continues a pending alert from its old start time', async () => {
    const data = tempDir('rules-restart');
    const rules = join(data.path, 'slow.yml');
    writeFileSync(rules, 'groups:\n  - name: slow\n    interval: 1s\n    rules:\n      - alert: Slow\n        expr: vector(1)\n        for: 1h\n');
    const yaml = `rule_files:\n  - ${rules}\nbatcher:\n  flush_interval: 50ms\n`;
    const first = await startTestServer(yaml, { dataDir: data.path });
    const pending = await eventually(async () => (await (await fetch(`${first.url}/api/v1/alerts`)).json()) as { data: { alerts: { activeAt: string; state: string }[] } }, (r) => r.data.alerts.length > 0, 'a pending alert');
    const startedAt = pending.data.alerts[0]!.activeAt;
    expect(pending.data.alerts[0]!.state).toBe('pending');
    await first.stop();
    const second = await startTestServer(yaml, { dataDir: data.path });
    try {
      const again = await eventually(async () => (await (await fetch(`${second.url}/api/v1/alerts`)).json()) as { data: { alerts: { activeAt: string }[] } }, (r) => r.data.alerts.length > 0, 'the alert after the restart');
      expect(again.data.alerts[0]!.activeAt).toBe(startedAt);
    } finally {
      await second.cleanup();
      data.remove();
    }
  });
});
