import { STALE_FLAG, type LabelMatcher, type Labels, type SeriesSamples, type TimeRange } from '../../storage/interface.js';
import { compileRegex } from '../regex.js';
import { parseDuration } from '../lex.js';
import { parse, parseNumber } from '../parse.js';
import { evaluate, type EngineLimits, type SelectFn } from '../engine.js';
import { labelsKey, QueryError, type Value } from '../value.js';

/**
 * Runs test files in Prometheus's promqltest format (promql/promqltest): `load <interval>` blocks
 * of series in the expanding notation (`0+10x5`, `_`, `stale`), `clear`, and `eval instant at
 * <time> <expr>` / `eval range from <t> to <t> step <d> <expr>` followed by the expected
 * series; `eval_fail`, `eval_ordered`, and `expect fail` as in Prometheus.
 */
export interface EvalCase {
  line: number;
  text: string;
  run: () => Promise<void>;
}

export interface StoredSeries {
  labels: Labels;
  t: number[];
  v: number[];
  f: number[];
}

const STALE_NAN = Number.NaN;

export function parseTestFile(source: string): EvalCase[] {
  const lines = source.split('\n');
  let store: StoredSeries[] = [];
  const cases: EvalCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!;
    const line = raw.trim();
    i++;
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'clear') {
      store = [];
      continue;
    }
    const load = /^load\s+(\S+)$/.exec(line);
    if (load) {
      const interval = parseDuration(load[1]!);
      if (interval === undefined) throw new Error(`line ${i}: bad load interval`);
      const next: StoredSeries[] = [...store];
      while (i < lines.length && /^\s+\S/.test(lines[i]!)) {
        next.push(parseSeriesLine(lines[i]!.trim(), interval, i + 1));
        i++;
      }
      store = mergeSeries(next);
      continue;
    }
    const evalMatch = /^(eval|eval_fail|eval_ordered)\s+(instant at\s+(\S+)|range from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+))\s+(.+)$/.exec(line);
    if (!evalMatch) throw new Error(`line ${i}: cannot parse "${line}"`);
    const startLine = i;
    const expected: string[] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i]!)) {
      expected.push(lines[i]!.trim());
      i++;
    }
    const snapshot = store;
    const [, cmd, , at, from, to, step, expr] = evalMatch;
    const expectFail = cmd === 'eval_fail' || expected[0]?.startsWith('expect fail') === true;
    const range = at !== undefined ? { start: time(at), end: time(at), step: 1000 } : { start: time(from!), end: time(to!), step: time(step!) };
    cases.push({
      line: startLine,
      text: line,
      run: () => runEval(snapshot, expr!, range, at !== undefined, expectFail, cmd === 'eval_ordered', expected.filter((e) => !e.startsWith('expect ')), startLine),
    });
  }
  return cases;
}

function time(s: string): number {
  const d = parseDuration(s);
  if (d !== undefined) return d;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`bad time "${s}"`);
  return n * 1000;
}

/** `metric{a="b"} 1+2x3 _ stale 5` → samples at 0, interval, 2·interval, … */
function parseSeriesLine(text: string, interval: number, line: number): StoredSeries {
  const m = /^(\S*?\{[^}]*\}|[^\s{]+)\s+(.*)$/.exec(text);
  if (!m) throw new Error(`line ${line}: bad series line`);
  const labels = parseLabels(m[1]!);
  const out: StoredSeries = { labels, t: [], v: [], f: [] };
  let step = 0;
  for (const item of m[2]!.trim().split(/\s+/)) {
    const push = (v: number, stale = false) => {
      out.t.push(step * interval);
      out.v.push(v);
      out.f.push(stale ? STALE_FLAG : 0);
      step++;
    };
    if (item === '_') {
      step++;
      continue;
    }
    if (item === 'stale') {
      push(STALE_NAN, true);
      continue;
    }
    const rep = /^(_|[^x]+?)(?:([+-])([^x]+))?x(\d+)$/.exec(item);
    if (rep) {
      const count = Number(rep[4]);
      if (rep[1] === '_') {
        step += count;
        continue;
      }
      const start = parseNumber(rep[1]!);
      const inc = rep[2] ? (rep[2] === '-' ? -1 : 1) * parseNumber(rep[3]!) : 0;
      for (let k = 0; k <= count; k++) push(start + inc * k);
      continue;
    }
    push(parseNumber(item));
  }
  return out;
}

export function parseLabels(text: string): Labels {
  const out: Record<string, string> = {};
  const brace = text.indexOf('{');
  const name = brace < 0 ? text : text.slice(0, brace);
  if (name) out.__name__ = name;
  if (brace >= 0) {
    for (const m of text.slice(brace + 1, text.lastIndexOf('}')).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
      out[m[1]!] = JSON.parse(`"${m[2]!}"`) as string;
    }
  }
  return out;
}

function mergeSeries(list: StoredSeries[]): StoredSeries[] {
  const byKey = new Map<string, StoredSeries>();
  for (const s of list) {
    const key = labelsKey(s.labels);
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, s);
    else {
      const all = prev.t.map((t, i) => [t, prev.v[i]!, prev.f[i]!] as const).concat(s.t.map((t, i) => [t, s.v[i]!, s.f[i]!] as const)).sort((a, b) => a[0] - b[0]);
      byKey.set(key, { labels: s.labels, t: all.map((x) => x[0]), v: all.map((x) => x[1]), f: all.map((x) => x[2]) });
    }
  }
  return [...byKey.values()];
}

/** Prometheus matcher semantics: anchored regexes, a missing label is the empty string. */
export function matches(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.type) {
      case '=': return v === m.value;
      case '!=': return v !== m.value;
      case '=~': return compileRegex(m.value).test(v);
      case '!~': return !compileRegex(m.value).test(v);
    }
  });
}

export function memorySelect(store: StoredSeries[]): SelectFn {
  return async function* select(matchers: readonly LabelMatcher[], range: TimeRange): AsyncIterable<SeriesSamples> {
    for (const s of store) {
      if (!matches(s.labels, matchers)) continue;
      const idx = s.t.map((t, i) => (t >= range.start && t <= range.end ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) continue;
      yield { labels: s.labels, timestamps: Float64Array.from(idx, (i) => s.t[i]!), values: Float64Array.from(idx, (i) => s.v[i]!), flags: Uint8Array.from(idx, (i) => s.f[i]!) };
    }
    await Promise.resolve();
  };
}

export const TEST_LIMITS: Omit<EngineLimits, 'deadline'> = { lookbackMs: 300_000, subqueryStepMs: 60_000, maxSamples: 50_000_000, maxSeries: 1_000_000 };

async function runEval(store: StoredSeries[], expr: string, range: { start: number; end: number; step: number }, instant: boolean, expectFail: boolean, ordered: boolean, expected: string[], line: number): Promise<void> {
  // Both ways of evaluating must give the expected answer: aggregations streamed and not.
  for (const stream of [true, false]) {
    let result: Value;
    const where = `line ${line}: ${expr}${stream ? '' : ' (not streamed)'}`;
    try {
      result = await evaluate(parse(expr), range, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() + 60_000, stream });
    } catch (err) {
      if (expectFail) continue;
      throw new Error(`${where}: unexpected error: ${(err as Error).message}`);
    }
    if (expectFail) throw new Error(`${where}: expected an error, got a result`);
    compare(result, expected, instant, ordered, where);
  }
}

function compare(result: Value, expected: string[], instant: boolean, ordered: boolean, where: string): void {
  const got = new Map<string, (number | undefined)[]>();
  const order: string[] = [];
  if (result.type === 'scalar') got.set('scalar', Array.from(result.values));
  else if (result.type === 'vector') {
    for (const s of result.series) {
      const key = labelsKey(s.labels);
      order.push(key);
      got.set(key, Array.from(s.values, (v, i) => (s.has[i] ? v : undefined)));
    }
  } else if (result.type === 'string') got.set('string', []);
  else throw new QueryError('internal', 'matrix results are not compared');
  const want = new Map<string, (number | undefined)[]>();
  const wantOrder: string[] = [];
  for (const e of expected) {
    const m = /^[-+]?(?:\d|\.|inf\b|nan\b)/i.test(e) ? [e, undefined, e] : /^(\{.*\}|[^\s{]+\{.*\}|[a-zA-Z_:][\w:]*)\s*(.*)$/.exec(e)!;
    const isScalar = m[1] === undefined;
    const key = isScalar ? 'scalar' : labelsKey(parseLabels(m[1]!));
    wantOrder.push(key);
    const values = m[2]!.split(/\s+/).filter(Boolean).flatMap((x) => expand(x));
    want.set(key, values);
  }
  const fmt = (m: Map<string, (number | undefined)[]>) => [...m].map(([k, v]) => `${k.replace(/\xff/g, '=').replace(/\xfe/g, ',')} ${v.map((x) => x ?? '_').join(' ')}`).sort().join('\n');
  const mismatch = () => new Error(`${where}:\nexpected\n${fmt(want)}\ngot\n${fmt(got)}`);
  const present = (vals: (number | undefined)[]) => vals.some((v) => v !== undefined);
  const gotKeys = [...got].filter(([, v]) => present(v) || result.type === 'scalar').map(([k]) => k);
  if (gotKeys.length !== want.size) throw mismatch();
  for (const [key, wantVals] of want) {
    const gotVals = got.get(key);
    if (!gotVals) throw mismatch();
    const g = instant ? gotVals.slice(0, 1) : gotVals;
    if (g.length !== wantVals.length) throw mismatch();
    for (let k = 0; k < g.length; k++) if (!close(g[k], wantVals[k])) throw mismatch();
  }
  if (ordered && order.join('|') !== wantOrder.join('|')) throw new Error(`${where}: order differs`);
}

function expand(x: string): (number | undefined)[] {
  if (x === '_') return [undefined];
  const rep = /^(_|[^x]+?)(?:([+-])([^x]+))?x(\d+)$/.exec(x);
  if (rep) {
    const count = Number(rep[4]);
    if (rep[1] === '_') return Array.from({ length: count }, () => undefined);
    const start = parseNumber(rep[1]!);
    const inc = rep[2] ? (rep[2] === '-' ? -1 : 1) * parseNumber(rep[3]!) : 0;
    return Array.from({ length: count + 1 }, (_, k) => start + inc * k);
  }
  return [parseNumber(x)];
}

/** Equal within 1e-6 relative (Prometheus's test tolerance), NaN equal to NaN. */
function close(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}
