import type { AttributeFilter } from '../storage/interface.js';

/**
 * A search box's text: bare words must all appear in the body, "quoted phrases" must appear as
 * written (both case-insensitive). `\"` inside a phrase is a quote.
 */
export function parseSearchText(text: string): { terms: string[]; phrases: string[] } {
  const terms: string[] = [];
  const phrases: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      const p = m[1].replace(/\\(.)/g, '$1');
      if (p.trim()) phrases.push(p);
    } else if (m[2]) terms.push(m[2]);
  }
  return { terms, phrases };
}

/**
 * An attribute filter as written in a query parameter: `key=value`, `key!=value`, `key=~regex`,
 * `key!~regex`, `key` (the attribute exists) or `!key` (it does not). Throws on an empty key.
 */
export function parseAttributeFilter(text: string): AttributeFilter {
  const m = /^([^=!~]+?)\s*(!=|=~|!~|=)(.*)$/s.exec(text);
  if (m) {
    const key = m[1]!.trim();
    if (!key) throw new Error(`attribute filter "${text}" has no key`);
    return { key, op: m[2] as AttributeFilter['op'], value: m[3]! };
  }
  if (/^\s*(=|!=|!~)/.test(text)) throw new Error(`attribute filter "${text}" has no key`);
  const negated = text.startsWith('!');
  const key = (negated ? text.slice(1) : text).trim();
  if (!key) throw new Error(`attribute filter "${text}" has no key`);
  return { key, op: negated ? '!exists' : 'exists', value: '' };
}
