import { compileRegex } from '../promql/regex.js';

/** An Alertmanager API v2 matcher. Regexes are anchored; a missing label matches as "". */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** false: `!=` / `!~` (the field defaults to true when absent, as in Alertmanager). */
  isEqual: boolean;
}

export function matches(m: AmMatcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  const hit = m.isRegex ? compileRegex(m.value).test(v) : v === m.value;
  return m.isEqual ? hit : !hit;
}

export function matchesAll(ms: readonly AmMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return ms.every((m) => matches(m, labels));
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(.*?))\s*$/;

/** Parses one matcher as amtool and the `filter` parameter write it: `name="value"`, `name=~re`, … */
export function parseMatcher(text: string): AmMatcher {
  const m = MATCHER.exec(text);
  if (!m) throw new Error(`bad matcher format: ${text}`);
  const op = m[2]!;
  const value = m[3] !== undefined ? (JSON.parse(`"${m[3]}"`) as string) : m[4] ?? m[5] ?? '';
  const matcher = { name: m[1]!, value, isRegex: op === '=~' || op === '!~', isEqual: op === '=' || op === '=~' };
  if (matcher.isRegex) compileRegex(value); // throws on a bad regex
  return matcher;
}

/** Reads a matcher of an API body, checking its fields. */
export function matcherOf(x: unknown, where: string): AmMatcher {
  const m = x as Partial<Record<keyof AmMatcher, unknown>> | null;
  if (typeof m !== 'object' || m === null || typeof m.name !== 'string' || m.name === '' || typeof m.value !== 'string' || typeof m.isRegex !== 'boolean') {
    throw new Error(`${where}: a matcher needs "name", "value" (strings) and "isRegex" (boolean)`);
  }
  if (m.isEqual !== undefined && typeof m.isEqual !== 'boolean') throw new Error(`${where}: "isEqual" must be a boolean`);
  if (m.isRegex) {
    try {
      compileRegex(m.value);
    } catch (err) {
      throw new Error(`${where}: invalid regex "${m.value}": ${(err as Error).message}`);
    }
  }
  return { name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual !== false };
}
