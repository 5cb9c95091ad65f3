import type { AppendSession } from '../append.js';
import type { OtlpBatch, OtlpMetric, OtlpPoint, Pairs } from './model.js';

/*
 * OpenTelemetry metrics as Prometheus series, the way Prometheus's own OTLP receiver names them
 * (its otlptranslator with metric suffixes on): unit and `_total` suffixes, attribute names made
 * valid, `service.name` / `service.namespace` → `job`, `service.instance.id` → `instance`, the
 * other resource attributes on a `target_info` series.
 */

const UNITS: Record<string, string> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tebibytes', KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  '1': '', m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius', Hz: 'hertz', '%': 'percent',
};
const PER_UNITS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

/** The Prometheus metric name of an OTLP metric (before `_bucket`, `_sum`, `_count`). */
export function promName(m: Pick<OtlpMetric, 'name' | 'unit' | 'kind' | 'monotonic'>): string {
  const tokens = m.name.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  const unit = m.unit.replace(/\{[^}]*\}/g, '').trim();
  const [main = '', per = ''] = unit.split('/');
  const mainUnit = clean(UNITS[main] ?? main);
  const perUnit = clean(PER_UNITS[per] ?? per);
  if (mainUnit && !tokens.includes(mainUnit)) tokens.push(mainUnit);
  if (perUnit && !tokens.includes(perUnit)) tokens.push('per', perUnit);
  const counter = m.kind === 'sum' && m.monotonic;
  const out = counter ? [...tokens.filter((t) => t !== 'total'), 'total'] : tokens;
  if (m.kind === 'gauge' && unit === '1') out.push('ratio');
  const name = out.join('_');
  return /^\d/.test(name) ? `_${name}` : name;
}

function clean(unit: string): string {
  return unit.split(/[^a-zA-Z0-9]+/).filter(Boolean).join('_');
}

/** An attribute key as a Prometheus label name. */
export function promLabelName(key: string): string {
  let n = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^\d/.test(n)) n = `key_${n}`;
  else if (n.startsWith('_') && !n.startsWith('__')) n = `key${n}`;
  return n;
}

/** Attributes as labels; attributes that map to one label name have their values joined with ';' (in key order). */
function labelsOf(attributes: Pairs, base: [string, string][]): [string, string][] {
  const byName = new Map<string, [string, string][]>();
  for (const [k, v] of [...attributes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const n = promLabelName(k);
    byName.set(n, [...(byName.get(n) ?? []), [k, v]]);
  }
  const out = new Map(base);
  for (const [n, kvs] of byName) if (!out.has(n)) out.set(n, kvs.map(([, v]) => v).join(';'));
  return [...out];
}

const TYPES: Record<OtlpMetric['kind'], string> = { gauge: 'gauge', sum: 'gauge', histogram: 'histogram', summary: 'summary', exponential_histogram: '', empty: '' };
const NO_RECORDED_VALUE = 1;

/** What one request added: data points refused before they reached the session, and why. */
export interface MetricsOutcome {
  rejectedPoints: number;
  errors: string[];
}

/** Writes the batch's data points as samples into `session`. */
export function writeMetrics(session: AppendSession, batch: OtlpBatch<OtlpMetric>, nowMs: number): MetricsOutcome {
  const out: MetricsOutcome = { rejectedPoints: 0, errors: [] };
  const refuse = (n: number, message: string) => {
    out.rejectedPoints += n;
    if (out.errors.length < 10 && !out.errors.includes(message)) out.errors.push(message);
  };
  for (const { resource, scopes } of batch.resources) {
    const attrs = new Map(resource.attributes);
    const service = attrs.get('service.name') ?? '';
    const namespace = attrs.get('service.namespace');
    const job = namespace ? `${namespace}/${service}` : service;
    const instance = attrs.get('service.instance.id') ?? '';
    const base: [string, string][] = [];
    if (job) base.push(['job', job]);
    if (instance) base.push(['instance', instance]);
    let latest = 0;
    for (const { items } of scopes) {
      for (const m of items) {
        if (m.kind === 'exponential_histogram' || m.kind === 'empty') {
          refuse(Math.max(1, m.points.length), `metric "${m.name}": ${m.kind === 'empty' ? 'has no data' : 'exponential histograms are not supported'}`);
          continue;
        }
        if ((m.kind === 'sum' || m.kind === 'histogram') && m.temporality === 1) {
          refuse(m.points.length, `metric "${m.name}": delta temporality is not supported (send cumulative)`);
          continue;
        }
        const name = promName(m);
        const counter = m.kind === 'sum' && m.monotonic;
        session.metadata(name, counter ? 'counter' : TYPES[m.kind], m.description, m.unit, Math.floor(nowMs / 1000));
        for (const p of m.points) {
          const ms = Number(p.timeNs / 1_000_000n) || nowMs;
          latest = Math.max(latest, ms);
          write(session, name, m, p, base, ms);
        }
      }
    }
    const info = resource.attributes.filter(([k]) => k !== 'service.name' && k !== 'service.namespace' && k !== 'service.instance.id');
    if (info.length > 0 && latest > 0 && (job || instance)) {
      add(session, labelsOf(info, [['__name__', 'target_info'], ...base]), latest, 1, false);
    }
  }
  return out;
}

function add(session: AppendSession, labels: [string, string][], ms: number, value: number, stale: boolean): void {
  const key = `otlp\u0002${labels.map(([k, v]) => `${k}\u0001${v}`).join('\u0002')}`;
  const state = session.series(key, () => labels, 1);
  if (state) session.sample(state, ms, stale ? Number.NaN : value, stale);
}

function write(session: AppendSession, name: string, m: OtlpMetric, p: OtlpPoint, base: [string, string][], ms: number): void {
  const stale = (p.flags & NO_RECORDED_VALUE) !== 0;
  const series = (suffix: string, extra: [string, string][] = []) => labelsOf(p.attributes, [['__name__', `${name}${suffix}`], ...base, ...extra]);
  if (m.kind === 'gauge' || m.kind === 'sum') {
    add(session, series(''), ms, p.value, stale);
    return;
  }
  add(session, series('_count'), ms, p.count, stale);
  add(session, series('_sum'), ms, p.sum, stale);
  if (m.kind === 'summary') {
    for (const q of p.quantiles) add(session, series('', [['quantile', formatBound(q.quantile)]]), ms, q.value, stale);
    return;
  }
  let cumulative = 0;
  p.bounds.forEach((b, i) => {
    cumulative += p.bucketCounts[i] ?? 0;
    add(session, series('_bucket', [['le', formatBound(b)]]), ms, cumulative, stale);
  });
  add(session, series('_bucket', [['le', '+Inf']]), ms, p.count, stale);
}

/** A bucket bound or quantile as Prometheus writes it (`0.5`, `1e+06`, `+Inf`). */
function formatBound(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
