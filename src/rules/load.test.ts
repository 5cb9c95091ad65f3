import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.js';
import { loadRuleFiles } from './load.js';

const dir = tempDir('rules');
afterAll(() => {
  dir.remove();
});

describe('loadRuleFiles', () => {
  it('expands file-name patterns, in name order, and collects every problem', () => {
    mkdirSync(join(dir.path, 'r'));
    writeFileSync(join(dir.path, 'r', 'b.yml'), 'groups:\n  - name: b\n    rules:\n      - alert: B\n        expr: up == 0\n');
    writeFileSync(join(dir.path, 'r', 'a.yml'), 'groups:\n  - name: a\n    rules:\n      - record: a:up\n        expr: sum(up)\n');
    writeFileSync(join(dir.path, 'r', 'notes.txt'), 'not a rule file');
    const ok = loadRuleFiles([join(dir.path, 'r', '*.yml'), join(dir.path, 'none', '*.yml')]);
    expect(ok.errors).toEqual([]);
    expect(ok.groups.map((g) => g.name)).toEqual(['a', 'b']);
    writeFileSync(join(dir.path, 'r', 'c.yml'), 'groups:\n  - name: c\n    rules:\n      - alert: C\n');
    const bad = loadRuleFiles([join(dir.path, 'r', '*.yml'), join(dir.path, 'missing.yml')]);
    expect(bad.groups).toEqual([]);
    expect(bad.errors).toHaveLength(2);
    expect(bad.errors[0]).toMatch(/c\.yml:4:9: group "c", rule 1, "C": field 'expr' must be set in rule$/);
    expect(bad.errors[1]).toMatch(/missing\.yml: cannot read rule file/);
  });
});
