/**
 * LogQL's `| json` and `| logfmt`: the fields of a line as labels. JSON objects are flattened
 * with `_` between keys, names made label-safe; a line that is not a JSON object (or not
 * logfmt) gets `__error__` as Loki sets it.
 */
export function extractFields(parser: 'json' | 'logfmt', line: string): Record<string, string> {
  return parser === 'json' ? json(line) : logfmt(line);
}

const safe = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, '_');

function json(line: string): Record<string, string> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { __error__: 'JSONParserErr' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { __error__: 'JSONParserErr' };
  const out: Record<string, string> = {};
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, x] of Object.entries(o)) {
      const name = prefix ? `${prefix}_${safe(k)}` : safe(k);
      if (x !== null && typeof x === 'object' && !Array.isArray(x)) walk(x as Record<string, unknown>, name);
      else if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[name] = String(x);
    }
  };
  walk(v as Record<string, unknown>, '');
  return out;
}

function logfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g;
  let any = false;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[2] === undefined) continue;
    any = true;
    const raw = m[2];
    out[safe(m[1]!)] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return any ? out : { __error__: 'LogfmtParserErr' };
}
