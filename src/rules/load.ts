import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseRuleFile, type RuleGroup } from './rule-file.js';

/**
 * Reads every rule file the patterns name (absolute paths; `*` and `?` allowed in the file name,
 * as in Prometheus's `rule_files`). Returns all groups, or every problem with file and line.
 * A pattern matching nothing is no error (Prometheus's behaviour); a named file that is missing is.
 */
export function loadRuleFiles(patterns: readonly string[]): { groups: RuleGroup[]; errors: string[] } {
  const groups: RuleGroup[] = [];
  const errors: string[] = [];
  for (const file of patterns.flatMap(expand)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(`${file}: cannot read rule file: ${(err as Error).message}`);
      continue;
    }
    const r = parseRuleFile(text, file);
    groups.push(...r.groups);
    errors.push(...r.errors);
  }
  return errors.length ? { groups: [], errors } : { groups, errors };
}

function expand(pattern: string): string[] {
  const name = basename(pattern);
  if (!/[*?]/.test(name)) return [pattern];
  const dir = dirname(pattern);
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((f) => re.test(f)).sort().map((f) => join(dir, f));
}
