/**
 * Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 parser: a line scanner with no
 * regex on the sample path. Series text (`name{labels}`) is handed out raw so callers can cache
 * by it; labels are parsed only when asked.
 */

export interface ExpositionSink {
  /**
   * One sample. `series` is the exact text of name and labels; `labels()` parses it (includes
   * `__name__`). `tsMs` is undefined when the line has no timestamp.
   */
  sample(series: string, labels: () => [string, string][], value: number, tsMs: number | undefined): void;
  /** HELP / TYPE / UNIT of a metric family, reported once per family at the end. */
  metadata(family: string, type: string, help: string, unit: string): void;
  /** A line that could not be parsed (1-based line number). Parsing continues. */
  error(line: number, message: string): void;
}

export interface ParseOptions {
  openMetrics: boolean;
}

export interface ParseCounts {
  samples: number;
  exemplars: number;
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'untyped', 'unknown']);

/** A line-level syntax problem. */
class LineError extends Error {}

interface Family {
  type: string;
  help: string;
  unit: string;
}

export function parseExposition(text: string, opts: ParseOptions, sink: ExpositionSink): ParseCounts {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: 'unknown', help: '', unit: '' }));
    return f;
  };
  const counts: ParseCounts = { samples: 0, exemplars: 0 };
  let lineNo = 0;
  let pos = 0;
  let sawEof = false;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (sawEof) {
      if (line !== '') sink.error(lineNo, 'content after "# EOF"');
      continue;
    }
    if (line === '' || /^\s*$/.test(line)) continue;
    try {
      if (line[0] === '#') {
        if (line === '# EOF') {
          sawEof = true;
          continue;
        }
        parseComment(line, opts, family);
        continue;
      }
      parseSample(line, opts, sink, counts, families);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      sink.error(lineNo, `${err.message}: "${line.length > 120 ? `${line.slice(0, 120)}…` : line}"`);
    }
  }
  if (opts.openMetrics && !sawEof) sink.error(lineNo + 1, 'OpenMetrics body does not end with "# EOF"');
  for (const [name, f] of families) sink.metadata(name, f.type === 'untyped' ? 'unknown' : f.type, f.help, f.unit);
  return counts;
}

function parseComment(line: string, opts: ParseOptions, family: (name: string) => Family): void {
  const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (!m) return; // an ordinary comment
  const [, kind, name, rest = ''] = m;
  if (!validMetricName(name!)) throw new LineError(`invalid metric name "${name!}" in # ${kind!}`);
  const f = family(name!);
  if (kind === 'HELP') f.help = opts.openMetrics ? unescapeOm(rest) : rest.replace(/\\(\\|n)/g, (_s, c: string) => (c === 'n' ? '\n' : '\\'));
  else if (kind === 'TYPE') {
    const t = rest.trim().toLowerCase();
    if (!TYPES.has(t)) throw new LineError(`unknown metric type "${rest.trim()}"`);
    f.type = t;
  } else f.unit = rest.trim();
}

function unescapeOm(s: string): string {
  return s.replace(/\\(\\|n|")/g, (_s, c: string) => (c === 'n' ? '\n' : c));
}

function validMetricName(s: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(s);
}

function isNameChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (!first && c >= 48 && c <= 57);
}

function parseSample(line: string, opts: ParseOptions, sink: ExpositionSink, counts: ParseCounts, families: Map<string, Family>): void {
  let i = 0;
  const n = line.length;
  while (i < n && isNameChar(line.charCodeAt(i), i === 0)) i++;
  if (i === 0) throw new LineError('expected a metric name');
  const name = line.slice(0, i);
  let seriesEnd = i;
  if (line.charCodeAt(i) === 123 /* { */) {
    seriesEnd = skipLabels(line, i);
    i = seriesEnd;
  }
  if (line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) throw new LineError('expected a space before the value');
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  let j = i;
  while (j < n && line.charCodeAt(j) !== 32 && line.charCodeAt(j) !== 9) j++;
  const value = parseValue(line.slice(i, j));
  i = j;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  let tsMs: number | undefined;
  if (i < n && line.charCodeAt(i) !== 35 /* # */) {
    j = i;
    while (j < n && line.charCodeAt(j) !== 32 && line.charCodeAt(j) !== 9) j++;
    tsMs = parseTimestamp(line.slice(i, j), opts.openMetrics);
    i = j;
    while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  }
  if (i < n) {
    if (opts.openMetrics && line.charCodeAt(i) === 35 && line.charCodeAt(i + 1) === 32) counts.exemplars++;
    else throw new LineError('unexpected text after the value');
  }
  if (opts.openMetrics && name.endsWith('_created')) {
    const base = families.get(name.slice(0, -8));
    if (base && (base.type === 'counter' || base.type === 'histogram' || base.type === 'summary')) return;
  }
  const series = line.slice(0, seriesEnd);
  counts.samples++;
  sink.sample(series, () => parseLabels(series, name), value, tsMs);
}

/** Returns the index just past the closing brace, validating quoting on the way. */
function skipLabels(line: string, open: number): number {
  let i = open + 1;
  let inString = false;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 125 /* } */) return i + 1;
  }
  throw new LineError('unterminated label set');
}

function parseLabels(series: string, name: string): [string, string][] {
  const out: [string, string][] = [['__name__', name]];
  let i = name.length;
  if (series.charCodeAt(i) !== 123) return out;
  i++;
  for (;;) {
    while (series.charCodeAt(i) === 32) i++;
    if (series.charCodeAt(i) === 125) return out;
    const start = i;
    while (i < series.length && isNameChar(series.charCodeAt(i), i === start) && series.charCodeAt(i) !== 58) i++;
    const label = series.slice(start, i);
    if (label === '') throw new LineError('expected a label name');
    while (series.charCodeAt(i) === 32) i++;
    if (series.charCodeAt(i) !== 61 /* = */) throw new LineError(`expected "=" after label name "${label}"`);
    i++;
    while (series.charCodeAt(i) === 32) i++;
    if (series.charCodeAt(i) !== 34) throw new LineError(`expected a quoted value for label "${label}"`);
    i++;
    let value = '';
    let runStart = i;
    for (;;) {
      const c = series.charCodeAt(i);
      if (Number.isNaN(c)) throw new LineError('unterminated label value');
      if (c === 34) break;
      if (c === 92) {
        value += series.slice(runStart, i);
        const e = series[i + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new LineError(`invalid escape "\\${e ?? ''}" in label "${label}"`);
        i += 2;
        runStart = i;
        continue;
      }
      i++;
    }
    value += series.slice(runStart, i);
    i++;
    out.push([label, value]);
    while (series.charCodeAt(i) === 32) i++;
    if (series.charCodeAt(i) === 44) i++;
    else if (series.charCodeAt(i) !== 125) throw new LineError('expected "," or "}" in label set');
  }
}

/** Go ParseFloat-compatible: decimals, exponents, NaN, ±Inf (any case). */
export function parseValue(s: string): number {
  if (s === '') throw new LineError('missing value');
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 46 || ((c === 45 || c === 43) && s.length > 1 && s.charCodeAt(1) !== 105 && s.charCodeAt(1) !== 73)) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  }
  switch (s.toLowerCase()) {
    case 'nan': return Number.NaN;
    case '+inf': case 'inf': case '+infinity': case 'infinity': return Infinity;
    case '-inf': case '-infinity': return -Infinity;
  }
  throw new LineError(`invalid value "${s}"`);
}

function parseTimestamp(s: string, openMetrics: boolean): number {
  if (openMetrics) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new LineError(`invalid timestamp "${s}"`);
    return Math.round(Number(s) * 1000);
  }
  if (!/^-?\d+$/.test(s)) throw new LineError(`invalid timestamp "${s}"`);
  const ts = Number(s);
  if (!Number.isSafeInteger(ts)) throw new LineError(`timestamp out of range "${s}"`);
  return ts;
}
