import type { LabelMatcher } from '../interface.js';
import { ident, join, param, sql, type Fragment } from './sql.js';

/**
 * Renders Prometheus label matchers as a condition on the `series` table. A missing map key
 * reads as '', which gives Prometheus's rule that `x=""` matches series without `x`. Regexes are
 * anchored the way Prometheus anchors them: `^(?s:re)$`.
 */
export function matcherCondition(m: LabelMatcher): Fragment {
  const column = m.name === '__name__' ? sql`${ident('metric_name')}` : sql`${ident('labels')}[${param('String', m.name)}]`;
  switch (m.type) {
    case '=':
      return sql`${column} = ${param('String', m.value)}`;
    case '!=':
      return sql`${column} != ${param('String', m.value)}`;
    case '=~':
      return sql`match(${column}, ${param('String', anchor(m.value))})`;
    case '!~':
      return sql`NOT match(${column}, ${param('String', anchor(m.value))})`;
  }
}

/** All matchers of one set ANDed; several sets ORed. An empty list of sets is `1`. */
export function matcherSetsCondition(sets: readonly (readonly LabelMatcher[])[]): Fragment {
  if (sets.length === 0) return sql`1`;
  return join(sets.map((set) => sql`(${set.length === 0 ? sql`1` : join(set.map(matcherCondition), sql` AND `)})`), sql` OR `);
}

function anchor(re: string): string {
  return `^(?s:${re})$`;
}
