/**
 * Prometheus regexes are RE2, anchored at both ends, with `.` matching newlines. JavaScript's
 * engine differs in syntax here and there; this translates what PromQL users write: named
 * groups `(?P<name>…)`, and leading flag groups `(?i)`, `(?s)`, `(?is)`.
 */
export function compileRegex(source: string): RegExp {
  let body = source;
  let flags = 's';
  const lead = /^\(\?([is]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes('i')) flags += 'i';
    body = body.slice(lead[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<');
  return new RegExp(`^(?:${body})$`, flags);
}
