import type { AppendSession } from '../append.js';
import type { DecodeCounts } from './decode-v1.js';
import { metricTypeName } from './metric-type.js';
import { ProtobufError, Reader, readSample, sample, WIRE_LEN, WIRE_VARINT } from './protobuf.js';

/**
 * Decodes an `io.prometheus.write.v2.Request` (remote_write 2.0): a symbol table (field 4,
 * symbols[0] must be "") and time series (field 5) whose labels are pairs of symbol indexes.
 */
export function decodeWriteRequestV2(buf: Buffer, session: AppendSession, nowSec: number): DecodeCounts {
  const symbols: string[] = [];
  const series: [number, number][] = [];
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((4 << 3) | WIRE_LEN)) symbols.push(r.string());
    else if (tag === ((5 << 3) | WIRE_LEN)) series.push(r.bytesRange());
    else r.skip(tag & 7);
  }
  if (series.length > 0 && symbols[0] !== '') throw new ProtobufError('symbols[0] must be the empty string');
  const counts: DecodeCounts = { series: 0, samples: 0, histograms: 0, exemplars: 0 };
  for (const [s, e] of series) decodeTimeSeries(buf, s, e, symbols, session, counts, nowSec);
  return counts;
}

function symbol(symbols: string[], ref: number): string {
  const s = symbols[ref];
  if (s === undefined) throw new ProtobufError(`symbol reference ${ref} is outside the symbol table (${symbols.length} entries)`);
  return s;
}

function decodeTimeSeries(buf: Buffer, start: number, end: number, symbols: string[], session: AppendSession, counts: DecodeCounts, nowSec: number): void {
  counts.series++;
  const r = new Reader(buf, start, end);
  const refs: number[] = [];
  const samples: [number, number][] = [];
  let metaType = -1;
  let help = '';
  let unit = '';
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const [s, e] = r.bytesRange();
      const pr = new Reader(buf, s, e);
      while (!pr.done) refs.push(pr.uint32());
    } else if (tag === ((1 << 3) | WIRE_VARINT)) refs.push(r.uint32());
    else if (tag === ((2 << 3) | WIRE_LEN)) samples.push(r.bytesRange());
    else if (tag === ((3 << 3) | WIRE_LEN)) {
      r.bytesRange();
      counts.histograms++;
    } else if (tag === ((4 << 3) | WIRE_LEN)) {
      r.bytesRange();
      counts.exemplars++;
    } else if (tag === ((5 << 3) | WIRE_LEN)) {
      const [s, e] = r.bytesRange();
      const mr = new Reader(buf, s, e);
      metaType = 0;
      while (!mr.done) {
        const t = mr.uint32();
        if (t === ((1 << 3) | WIRE_VARINT)) metaType = mr.uint32();
        else if (t === ((3 << 3) | WIRE_VARINT)) help = symbol(symbols, mr.uint32());
        else if (t === ((4 << 3) | WIRE_VARINT)) unit = symbol(symbols, mr.uint32());
        else mr.skip(t & 7);
      }
    } else r.skip(tag & 7);
  }
  if (refs.length % 2 !== 0) throw new ProtobufError('labels_refs has an odd number of entries');
  const pairs: [string, string][] = [];
  let key = '';
  for (let i = 0; i < refs.length; i += 2) {
    const n = symbol(symbols, refs[i]!);
    const v = symbol(symbols, refs[i + 1]!);
    pairs.push([n, v]);
    key += `${n}\u00ff${v}\u00ff`;
  }
  counts.samples += samples.length;
  const state = session.series(key, () => pairs, samples.length);
  if (!state) return;
  if (metaType >= 0 && (metaType > 0 || help || unit)) session.metadata(state.ref.metricName, metricTypeName(metaType), help, unit, nowSec);
  for (const [s, e] of samples) {
    readSample(buf, s, e);
    session.sample(state, sample.ts, sample.value, sample.stale);
  }
}
