import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from './rule-file.js';

const examples = new URL('../../examples/rules/', import.meta.url);
const bad = new URL('./testdata/', import.meta.url);
const read = (dir: URL, f: string) => parseRuleFile(readFileSync(new URL(f, dir), 'utf8'), f);

describe('parseRuleFile', () => {
  it('reads the shipped example rules', () => {
    const { groups, errors } = read(examples, 'defaults.yml');
    expect(errors).toEqual([]);
    expect(groups.map((g) => [g.name, g.intervalMs, g.rules.length])).toEqual([['service-health', 30_000, 5], ['host-resources', 0, 2]]);
    const down = groups[0]!.rules[2]!;
    expect(down).toMatchObject({ kind: 'alerting', alert: 'ServiceDown', exprText: 'up == 0', forMs: 60_000, labels: { severity: 'critical' } });
    expect(groups[0]!.rules[0]).toMatchObject({ kind: 'recording', record: 'job:http_requests:rate5m' });
  });

  it('names file, line and column of each problem', () => {
    const expected: Record<string, string> = {
      'bad-both.yml': 'bad-both.yml:4:9: group "g", rule 1: only one of \'record\' and \'alert\' must be set',
      'bad-duplicate-group.yml': 'bad-duplicate-group.yml:6:11: groupname: "a" is repeated in the same file',
      'bad-duration.yml': 'bad-duration.yml:3:15: group "g": "interval" is not a valid duration: "often"',
      'bad-expr.yml': 'bad-expr.yml:5:15: group "g", rule 1, "Broken": could not parse expression:',
      'bad-label-name.yml': 'bad-label-name.yml:7:11: group "g", rule 1, "X": invalid label name: bad-name',
      'bad-no-expr.yml': 'bad-no-expr.yml:4:9: group "g", rule 1, "X": field \'expr\' must be set in rule',
      'bad-record-for.yml': 'bad-record-for.yml:6:14: group "g", rule 1, "x:rate": invalid field \'for\' in recording rule',
      'bad-record-name.yml': 'bad-record-name.yml:4:17: group "g", rule 1, "1bad": invalid recording rule name: 1bad',
      'bad-template.yml': 'bad-template.yml:7:20: group "g", rule 1, "X": annotation "summary": template: function "nosuchfunction" not defined',
      'bad-unknown-field.yml': 'bad-unknown-field.yml:6:9: group "g", rule 1: field severity not found in a rule',
    };
    for (const f of readdirSync(bad).filter((x) => x.endsWith('.yml'))) {
      const { groups, errors } = read(bad, f);
      expect(groups, f).toEqual([]);
      expect(errors[0], f).toContain(expected[f]);
    }
  });

  it('reports YAML syntax errors with their position, and accepts an empty file', () => {
    expect(parseRuleFile('groups:\n  - name: [a\n', 'x.yml').errors[0]).toMatch(/^x\.yml:\d+:\d+: /);
    expect(parseRuleFile('', 'empty.yml')).toEqual({ groups: [], errors: [] });
  });
});
