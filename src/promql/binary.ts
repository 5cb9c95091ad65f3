import type { Labels } from '../storage/interface.js';
import type { BinaryExpr, BinaryOp, VectorMatching } from './ast.js';
import { formatLabels, labelsKey, mergeSameLabels, omit, QueryError, SeriesBuilder, setLabel, type StepSeries, type Value, withoutName } from './value.js';

const COMPARISON = new Set<BinaryOp>(['==', '!=', '<', '<=', '>', '>=']);
/** Operators after which Prometheus 2.x drops the metric name (not atan2, not comparisons). */
const DROPS_NAME = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^']);

/** Arithmetic and comparison of two numbers; `keep` is the comparison's outcome. */
function elem(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+': return [l + r, true];
    case '-': return [l - r, true];
    case '*': return [l * r, true];
    case '/': return [l / r, true];
    case '%': return [l % r, true];
    case '^': return [pow(l, r), true];
    case 'atan2': return [Math.atan2(l, r), true];
    case '==': return [l, l === r];
    case '!=': return [l, l !== r];
    case '<': return [l, l < r];
    case '<=': return [l, l <= r];
    case '>': return [l, l > r];
    case '>=': return [l, l >= r];
    default: throw new QueryError('internal', `operator "${op}" is not a number operator`);
  }
}

/** Go's math.Pow, which differs from `**` for a base of ±1 (1^NaN = 1, (-1)^±Inf = 1). */
function pow(l: number, r: number): number {
  if (l === 1 || r === 0) return 1;
  if (l === -1 && !Number.isFinite(r) && !Number.isNaN(r)) return 1;
  return l ** r;
}

export function binary(e: BinaryExpr, lhs: Value, rhs: Value, n: number): Value {
  if (lhs.type === 'scalar' && rhs.type === 'scalar') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const [v, keep] = elem(e.op, lhs.values[i]!, rhs.values[i]!);
      out[i] = e.returnBool ? (keep ? 1 : 0) : v;
    }
    return { type: 'scalar', values: out };
  }
  if (lhs.type === 'vector' && rhs.type === 'scalar') return { type: 'vector', series: vectorScalar(e, lhs.series, rhs.values, false) };
  if (lhs.type === 'scalar' && rhs.type === 'vector') return { type: 'vector', series: vectorScalar(e, rhs.series, lhs.values, true) };
  if (lhs.type === 'vector' && rhs.type === 'vector') {
    const m = e.matching!;
    if (e.op === 'and' || e.op === 'or' || e.op === 'unless') return { type: 'vector', series: setOp(e.op, lhs.series, rhs.series, m, n) };
    return { type: 'vector', series: vectorVector(e, lhs.series, rhs.series, m, n) };
  }
  throw new QueryError('internal', `binary operation on ${lhs.type} and ${rhs.type}`);
}

function vectorScalar(e: BinaryExpr, series: StepSeries[], scalar: Float64Array, swapped: boolean): StepSeries[] {
  const out: StepSeries[] = [];
  const comparison = COMPARISON.has(e.op);
  for (const s of series) {
    const values = new Float64Array(s.values.length);
    const has = new Uint8Array(s.values.length);
    let any = false;
    for (let i = 0; i < values.length; i++) {
      if (!s.has[i]) continue;
      const sv = s.values[i]!;
      let [v, keep] = swapped ? elem(e.op, scalar[i]!, sv) : elem(e.op, sv, scalar[i]!);
      if (comparison && swapped) v = sv;
      if (e.returnBool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      values[i] = v;
      has[i] = 1;
      any = true;
    }
    if (any) out.push({ labels: DROPS_NAME.has(e.op) || e.returnBool ? withoutName(s.labels) : s.labels, values, has });
  }
  return mergeSameLabels(out, series[0]?.has.length ?? 0);
}

/** The matching signature of a label set. */
function signature(l: Labels, m: VectorMatching): string {
  if (m.on) {
    let key = '';
    for (const name of [...m.labels].sort()) key += `${name}\xff${l[name] ?? ''}\xfe`;
    return key;
  }
  const skip = new Set([...m.labels, '__name__']);
  let key = '';
  for (const name of Object.keys(l).sort()) if (!skip.has(name)) key += `${name}\xff${l[name]}\xfe`;
  return key;
}

function resultLabels(l: Labels, r: Labels, e: BinaryExpr, m: VectorMatching): Labels {
  let out = DROPS_NAME.has(e.op) || e.returnBool ? withoutName(l) : l;
  if (m.card === 'one-to-one') {
    out = m.on ? Object.fromEntries(Object.entries(out).filter(([k]) => m.labels.includes(k))) : omit(out, m.labels);
  }
  for (const k of m.include) out = setLabel(out, k, r[k]);
  return out;
}

function vectorVector(e: BinaryExpr, lhsIn: StepSeries[], rhsIn: StepSeries[], m: VectorMatching, n: number): StepSeries[] {
  if (m.card === 'many-to-many') throw new QueryError('execution', 'many-to-many only allowed for set operators');
  // one-to-many is many-to-one with the sides swapped (operand order kept when computing).
  const swapped = m.card === 'one-to-many';
  const lhs = swapped ? rhsIn : lhsIn;
  const rhs = swapped ? lhsIn : rhsIn;
  const lsig = lhs.map((s) => signature(s.labels, m));
  const rsig = rhs.map((s) => signature(s.labels, m));
  const builder = new SeriesBuilder(n);
  const pairLabels = new Map<number, { labels: Labels; key: string }>();
  const comparison = COMPARISON.has(e.op);
  for (let i = 0; i < n; i++) {
    const right = new Map<string, number>();
    for (let r = 0; r < rhs.length; r++) {
      if (!rhs[r]!.has[i]) continue;
      const prev = right.get(rsig[r]!);
      if (prev !== undefined) {
        throw new QueryError('execution', `found duplicate series for the match group ${formatLabels(matchGroup(rhs[r]!.labels, m))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${formatLabels(rhs[prev]!.labels)}, ${formatLabels(rhs[r]!.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`);
      }
      right.set(rsig[r]!, r);
    }
    const matched = new Set<string>();
    const inserted = new Set<string>();
    for (let l = 0; l < lhs.length; l++) {
      if (!lhs[l]!.has[i]) continue;
      const r = right.get(lsig[l]!);
      if (r === undefined) continue;
      let vl = lhs[l]!.values[i]!;
      let vr = rhs[r]!.values[i]!;
      if (swapped) [vl, vr] = [vr, vl];
      let [v, keep] = elem(e.op, vl, vr);
      if (e.returnBool) {
        v = keep ? 1 : 0;
        keep = true;
      } else if (comparison && swapped) v = vr;
      if (!keep) continue;
      const pairKey = l * rhs.length + r;
      let result = pairLabels.get(pairKey);
      if (!result) {
        const labels = resultLabels(lhs[l]!.labels, rhs[r]!.labels, e, m);
        result = { labels, key: labelsKey(labels) };
        pairLabels.set(pairKey, result);
      }
      if (m.card === 'one-to-one') {
        if (matched.has(lsig[l]!)) throw new QueryError('execution', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        matched.add(lsig[l]!);
      } else {
        if (inserted.has(result.key)) throw new QueryError('execution', 'multiple matches for labels: grouping labels must ensure unique matches');
        inserted.add(result.key);
      }
      builder.add(result.labels, i, v, result.key);
    }
  }
  return builder.series();
}

function matchGroup(l: Labels, m: VectorMatching): Labels {
  if (m.on) return Object.fromEntries(m.labels.filter((k) => l[k] !== undefined).map((k) => [k, l[k]!]));
  return Object.fromEntries(Object.entries(l).filter(([k]) => k !== '__name__' && !m.labels.includes(k)));
}

function setOp(op: 'and' | 'or' | 'unless', lhs: StepSeries[], rhs: StepSeries[], m: VectorMatching, n: number): StepSeries[] {
  const lsig = lhs.map((s) => signature(s.labels, m));
  const rsig = rhs.map((s) => signature(s.labels, m));
  const keepL = lhs.map((s) => ({ labels: s.labels, values: s.values, has: new Uint8Array(n) }));
  const keepR = rhs.map((s) => ({ labels: s.labels, values: s.values, has: new Uint8Array(n) }));
  for (let i = 0; i < n; i++) {
    const rightSigs = new Set<string>();
    for (let r = 0; r < rhs.length; r++) if (rhs[r]!.has[i]) rightSigs.add(rsig[r]!);
    const leftSigs = new Set<string>();
    for (let l = 0; l < lhs.length; l++) {
      if (!lhs[l]!.has[i]) continue;
      leftSigs.add(lsig[l]!);
      const inRight = rightSigs.has(lsig[l]!);
      if (op === 'or' || (op === 'and' && inRight) || (op === 'unless' && !inRight)) keepL[l]!.has[i] = 1;
    }
    if (op === 'or') for (let r = 0; r < rhs.length; r++) if (rhs[r]!.has[i] && !leftSigs.has(rsig[r]!)) keepR[r]!.has[i] = 1;
  }
  // Series with the same labels on both sides (`or`) are one series.
  const out = new Map<string, StepSeries>();
  for (const s of [...keepL, ...keepR]) {
    if (!s.has.some((h) => h === 1)) continue;
    const key = labelsKey(s.labels);
    const prev = out.get(key);
    if (!prev) out.set(key, s);
    else {
      const values = Float64Array.from(prev.values);
      const has = Uint8Array.from(prev.has);
      for (let i = 0; i < n; i++) if (s.has[i] && !has[i]) {
        values[i] = s.values[i]!;
        has[i] = 1;
      }
      out.set(key, { labels: prev.labels, values, has });
    }
  }
  return [...out.values()];
}
