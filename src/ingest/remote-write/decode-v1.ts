import type { AppendSession } from '../append.js';
import { metricTypeName } from './metric-type.js';
import { ProtobufError, Reader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './protobuf.js';

/** Counts of what a remote_write request carried. */
export interface DecodeCounts {
  series: number;
  samples: number;
  histograms: number;
  exemplars: number;
}

/**
 * Decodes a `prometheus.WriteRequest` (remote_write 1.0) straight into an append session.
 * A known series is recognised by its raw label bytes, so its labels are decoded only once.
 */
export function decodeWriteRequestV1(buf: Buffer, session: AppendSession, nowSec: number): DecodeCounts {
  const r = new Reader(buf);
  const counts: DecodeCounts = { series: 0, samples: 0, histograms: 0, exemplars: 0 };
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const [s, e] = r.bytesRange();
      decodeTimeSeries(buf, s, e, session, counts);
    } else if (tag === ((3 << 3) | WIRE_LEN)) {
      const [s, e] = r.bytesRange();
      decodeMetadata(new Reader(buf, s, e), session, nowSec);
    } else r.skip(tag & 7);
  }
  return counts;
}

function decodeTimeSeries(buf: Buffer, start: number, end: number, session: AppendSession, counts: DecodeCounts): void {
  counts.series++;
  const r = new Reader(buf, start, end);
  // First pass: where the labels are, how many samples; the key is the labels' raw bytes.
  let key = '';
  let labelStart = -1;
  let labelEnd = -1;
  let contiguous = true;
  let sampleCount = 0;
  const labelRanges: [number, number][] = [];
  while (!r.done) {
    const fieldStart = r.pos;
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const range = r.bytesRange();
      labelRanges.push(range);
      if (labelStart < 0) labelStart = fieldStart;
      else if (labelEnd !== fieldStart) contiguous = false;
      labelEnd = r.pos;
    } else if (tag === ((2 << 3) | WIRE_LEN)) {
      r.bytesRange();
      sampleCount++;
    } else if (tag === ((3 << 3) | WIRE_LEN)) {
      r.bytesRange();
      counts.exemplars++;
    } else if (tag === ((4 << 3) | WIRE_LEN)) {
      r.bytesRange();
      counts.histograms++;
    } else r.skip(tag & 7);
  }
  if (contiguous && labelStart >= 0) key = buf.toString('latin1', labelStart, labelEnd);
  else key = labelRanges.map(([s, e]) => buf.toString('latin1', s, e)).join('\u0001');
  counts.samples += sampleCount;
  const state = session.series(key, () => labelRanges.map(([s, e]) => decodeLabel(buf, s, e)), sampleCount);
  if (!state || sampleCount === 0) return;
  // Second pass: the samples.
  r.pos = start;
  while (!r.done) {
    const tag = r.uint32();
    if (tag !== ((2 << 3) | WIRE_LEN)) {
      r.skip(tag & 7);
      continue;
    }
    const [s, e] = r.bytesRange();
    const sr = new Reader(buf, s, e);
    let value = 0;
    let ts = 0;
    let stale = false;
    while (!sr.done) {
      const t = sr.uint32();
      if (t === ((1 << 3) | WIRE_I64)) {
        stale = sr.peekStaleNaN();
        value = sr.double();
      } else if (t === ((2 << 3) | WIRE_VARINT)) ts = sr.int64();
      else sr.skip(t & 7);
    }
    session.sample(state, ts, value, stale);
  }
}

function decodeLabel(buf: Buffer, start: number, end: number): [string, string] {
  const r = new Reader(buf, start, end);
  let name = '';
  let value = '';
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) name = r.string();
    else if (tag === ((2 << 3) | WIRE_LEN)) value = r.string();
    else r.skip(tag & 7);
  }
  return [name, value];
}

function decodeMetadata(r: Reader, session: AppendSession, nowSec: number): void {
  let type = 0;
  let family = '';
  let help = '';
  let unit = '';
  while (!r.done) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | WIRE_VARINT: type = r.uint32(); break;
      case (2 << 3) | WIRE_LEN: family = r.string(); break;
      case (4 << 3) | WIRE_LEN: help = r.string(); break;
      case (5 << 3) | WIRE_LEN: unit = r.string(); break;
      default: r.skip(tag & 7);
    }
  }
  if (!family) throw new ProtobufError('metadata entry without metric_family_name');
  session.metadata(family, metricTypeName(type), help, unit, nowSec);
}
