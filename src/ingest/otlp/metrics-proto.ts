import { ProtobufError, Reader, WIRE_I64, WIRE_LEN } from '../remote-write/protobuf.js';
import { emptyPoint, type OtlpBatch, type OtlpMetric, type OtlpPoint } from './model.js';
import { attribute, batch, fixed64, sub, text, varint, type Field } from './proto.js';

function double(r: Reader, wire: number, what: string): number {
  if (wire !== WIRE_I64) throw new ProtobufError(`${what}: wire type ${wire}, expected ${WIRE_I64} (at byte ${r.pos})`);
  if (r.pos + 8 > r.end) throw new ProtobufError(`${what}: truncated at byte ${r.pos}`);
  const v = r.buf.readDoubleLE(r.pos);
  r.pos += 8;
  return v;
}

/** A repeated fixed64 or double, packed (one length-delimited run) or not (one value per field). */
function repeated8(r: Reader, wire: number, what: string, read: (buf: Buffer, at: number) => number, into: number[]): void {
  if (wire === WIRE_LEN) {
    const [s, e] = r.bytesRange();
    if ((e - s) % 8 !== 0) throw new ProtobufError(`${what}: packed length ${e - s} is not a multiple of 8`);
    for (let p = s; p < e; p += 8) into.push(read(r.buf, p));
    return;
  }
  if (wire !== WIRE_I64) throw new ProtobufError(`${what}: wire type ${wire}, expected ${WIRE_I64} or ${WIRE_LEN}`);
  into.push(read(r.buf, r.pos));
  r.pos += 8;
}

const u64 = (buf: Buffer, at: number) => Number(buf.readBigUInt64LE(at));
const f64 = (buf: Buffer, at: number) => buf.readDoubleLE(at);

/** A NumberDataPoint (kind number), HistogramDataPoint or SummaryDataPoint. */
function point(r: Reader, wire: number, kind: 'number' | 'histogram' | 'summary'): OtlpPoint {
  const p = emptyPoint();
  const attrField = kind === 'histogram' ? 9 : 7;
  const flagsField = kind === 'number' ? 8 : kind === 'histogram' ? 10 : 8;
  sub(r, wire, 'DataPoint', (x, f, w) => {
    if (f === attrField) attribute(x, w, p.attributes);
    else if (f === 2) p.startNs = fixed64(x, w, 'start_time_unix_nano');
    else if (f === 3) p.timeNs = fixed64(x, w, 'time_unix_nano');
    else if (f === flagsField) p.flags = varint(x, w, 'flags');
    else if (kind === 'number' && f === 4) p.value = double(x, w, 'as_double');
    else if (kind === 'number' && f === 6) p.value = Number(BigInt.asIntN(64, fixed64(x, w, 'as_int')));
    else if (kind !== 'number' && f === 4) p.count = Number(fixed64(x, w, 'count'));
    else if (kind !== 'number' && f === 5) p.sum = double(x, w, 'sum');
    else if (kind === 'histogram' && f === 6) repeated8(x, w, 'bucket_counts', u64, p.bucketCounts);
    else if (kind === 'histogram' && f === 7) repeated8(x, w, 'explicit_bounds', f64, p.bounds);
    else if (kind === 'summary' && f === 6) {
      const q = { quantile: 0, value: 0 };
      sub(x, w, 'ValueAtQuantile', (y, f2, w2) => {
        if (f2 === 1) q.quantile = double(y, w2, 'quantile');
        else if (f2 === 2) q.value = double(y, w2, 'value');
        else return false;
        return true;
      });
      p.quantiles.push(q);
    } else return false;
    return true;
  });
  return p;
}

/** An ExportMetricsServiceRequest. */
export function decodeMetricsProto(body: Buffer): OtlpBatch<OtlpMetric> {
  return batch(body, (r, wire) => {
    const m: OtlpMetric = { name: '', description: '', unit: '', kind: 'empty', monotonic: false, temporality: 0, points: [] };
    const data = (kind: OtlpMetric['kind'], pointKind: 'number' | 'histogram' | 'summary'): Field => (x, f, w) => {
      m.kind = kind;
      if (f === 1) m.points.push(point(x, w, pointKind));
      else if (f === 2 && kind !== 'gauge' && kind !== 'summary') m.temporality = varint(x, w, 'aggregation_temporality');
      else if (f === 3 && kind === 'sum') m.monotonic = varint(x, w, 'is_monotonic') !== 0;
      else return false;
      return true;
    };
    sub(r, wire, 'Metric', (x, f, w) => {
      switch (f) {
        case 1: m.name = text(x, w, 'name'); return true;
        case 2: m.description = text(x, w, 'description'); return true;
        case 3: m.unit = text(x, w, 'unit'); return true;
        case 5: m.kind = 'gauge'; sub(x, w, 'Gauge', data('gauge', 'number')); return true;
        case 7: m.kind = 'sum'; sub(x, w, 'Sum', data('sum', 'number')); return true;
        case 9: m.kind = 'histogram'; sub(x, w, 'Histogram', data('histogram', 'histogram')); return true;
        case 10: m.kind = 'exponential_histogram'; return false;
        case 11: m.kind = 'summary'; sub(x, w, 'Summary', data('summary', 'summary')); return true;
        default: return false;
      }
    });
    return m;
  });
}
