import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serverArgs, startChild, stopChild } from '../../test/child-server.js';
import { tempDir } from '../../test/tmp.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/rules/', import.meta.url));
const dir = tempDir('rules-start');
afterAll(() => {
  dir.remove();
});

describe('rule files at start-up', () => {
  it('refuses to start with a broken rule file and names file and line', () => {
    const rules = join(dir.path, 'broken.yml');
    writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: sum(up\n');
    const config = join(dir.path, 'config.yml');
    writeFileSync(config, 'rule_files:\n  - broken.yml\n');
    const r = spawnSync(process.execPath, [...serverArgs(), '--config', config], { env: { ...process.env, DATA_DIR: join(dir.path, 'data'), PORT: '0', HOST: '127.0.0.1' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${rules}:5:15: group "g", rule 1, "X": could not parse expression`);
  });

  it('starts with the shipped example rules', async () => {
    const config = join(dir.path, 'good.yml');
    writeFileSync(config, `rule_files:\n  - ${EXAMPLES}*.yml\n`);
    const child = await startChild(join(dir.path, 'data2'), ['--config', config], { LOG_LEVEL: 'info' });
    expect(child.output()).toContain('rule files loaded');
    await stopChild(child, 'SIGTERM');
  });
});
