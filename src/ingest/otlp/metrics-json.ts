import { attributes, batch, int, list, nanos, obj, OtlpJsonError, str, type Obj } from './json.js';
import { emptyPoint, type OtlpBatch, type OtlpMetric, type OtlpPoint } from './model.js';

/** A double as OTLP/JSON writes it: a number, or a string for NaN, ±Infinity and exact decimals. */
function double(v: unknown, where: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw new OtlpJsonError(`${where}: expected a number`);
}

function point(v: unknown, where: string): OtlpPoint {
  const o = obj(v, where);
  const p = emptyPoint();
  p.attributes = attributes(o.attributes, `${where}.attributes`);
  p.startNs = nanos(o.startTimeUnixNano, `${where}.startTimeUnixNano`);
  p.timeNs = nanos(o.timeUnixNano, `${where}.timeUnixNano`);
  p.flags = int(o.flags, `${where}.flags`);
  if ('asDouble' in o) p.value = double(o.asDouble, `${where}.asDouble`);
  else if ('asInt' in o) p.value = int(o.asInt, `${where}.asInt`);
  p.count = int(o.count, `${where}.count`);
  p.sum = double(o.sum, `${where}.sum`);
  p.bucketCounts = list(o.bucketCounts, `${where}.bucketCounts`).map((c, i) => int(c, `${where}.bucketCounts[${i}]`));
  p.bounds = list(o.explicitBounds, `${where}.explicitBounds`).map((b, i) => double(b, `${where}.explicitBounds[${i}]`));
  p.quantiles = list(o.quantileValues, `${where}.quantileValues`).map((q, i) => {
    const qo = obj(q, `${where}.quantileValues[${i}]`);
    return { quantile: double(qo.quantile, `${where}.quantileValues[${i}].quantile`), value: double(qo.value, `${where}.quantileValues[${i}].value`) };
  });
  return p;
}

const KINDS = [['gauge', 'gauge'], ['sum', 'sum'], ['histogram', 'histogram'], ['exponentialHistogram', 'exponential_histogram'], ['summary', 'summary']] as const;

/** An ExportMetricsServiceRequest in OTLP/JSON (already parsed). */
export function decodeMetricsJson(body: unknown): OtlpBatch<OtlpMetric> {
  return batch(body, { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' }, (v, where) => {
    const o = obj(v, where);
    const m: OtlpMetric = { name: str(o.name, `${where}.name`), description: str(o.description, `${where}.description`), unit: str(o.unit, `${where}.unit`), kind: 'empty', monotonic: false, temporality: 0, points: [] };
    for (const [key, kind] of KINDS) {
      if (o[key] === undefined || o[key] === null) continue;
      const d: Obj = obj(o[key], `${where}.${key}`);
      m.kind = kind;
      m.temporality = int(d.aggregationTemporality, `${where}.${key}.aggregationTemporality`);
      m.monotonic = d.isMonotonic === true;
      if (kind !== 'exponential_histogram') m.points = list(d.dataPoints, `${where}.${key}.dataPoints`).map((p, i) => point(p, `${where}.${key}.dataPoints[${i}]`));
      break;
    }
    return m;
  });
}
