import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRuleFile } from './rule-file.js';

const INSTALL = fileURLToPath(new URL('../../scripts/install-debian.sh', import.meta.url));
const dirs = { examples: fileURLToPath(new URL('../../examples/rules/', import.meta.url)), bad: fileURLToPath(new URL('./testdata/', import.meta.url)) };
const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => `${dir}${f}`);
const promtool = (file: string) => spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });

// promtool comes with Debian's `prometheus` package (installed by the script if missing).
beforeAll(() => {
  execFileSync('sh', [INSTALL, 'promtool=prometheus'], { stdio: 'inherit' });
}, 600_000);

describe('rule files agree with promtool check rules', () => {
  it('accepts every example we ship, as promtool does', () => {
    for (const f of files(dirs.examples)) {
      const tool = promtool(f);
      expect(tool.status, `${f}: ${tool.stdout}${tool.stderr}`).toBe(0);
      expect(parseRuleFile(readFileSync(f, 'utf8'), f).errors, f).toEqual([]);
    }
  });

  it('refuses every broken file promtool refuses', () => {
    for (const f of files(dirs.bad)) {
      expect(promtool(f).status, f).not.toBe(0);
      expect(parseRuleFile(readFileSync(f, 'utf8'), f).errors.length, f).toBeGreaterThan(0);
    }
  });
});
