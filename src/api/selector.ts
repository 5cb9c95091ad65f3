import { parse } from '../promql/parse.js';
import { PromqlSyntaxError } from '../promql/lex.js';
import type { LabelMatcher } from '../storage/interface.js';
import { ApiError } from './errors.js';

/**
 * Parses a `match[]` series selector (`up`, `http_requests_total{code=~"5.."}`, `{__name__="x"}`)
 * with the PromQL parser: the same syntax, escapes and checks (at least one matcher that does not
 * match the empty string) as in queries.
 */
export function parseSelector(text: string): LabelMatcher[] {
  let expr;
  try {
    expr = parse(text);
  } catch (err) {
    if (err instanceof PromqlSyntaxError) throw new ApiError('BAD_PARAMETER', `invalid selector "${text}": ${err.message}`);
    throw err;
  }
  if (expr.kind !== 'vector' || expr.offsetMs !== 0 || expr.at !== undefined) throw new ApiError('BAD_PARAMETER', `invalid selector "${text}": not a series selector`);
  return expr.matchers;
}
