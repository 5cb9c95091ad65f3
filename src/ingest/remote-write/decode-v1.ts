import type { AppendSession } from '../append.js';
import { metricTypeName } from './metric-type.js';
import { ProtobufError, Reader, readSample, sample, WIRE_LEN } from './protobuf.js';

/** Counts of what a remote_write request carried. */
export interface DecodeCounts {
  series: number;
  samples: number;
  histograms: number;
  exemplars: number;
}

// Hot path: a cursor in module state and inlined varints, no per-field objects.
let P = 0;

function varint32(buf: Buffer, end: number): number {
  let b = buf[P++]!;
  if (b < 0x80) return b;
  let v = b & 0x7f;
  let shift = 7;
  for (;;) {
    if (P >= end) throw new ProtobufError(`truncated varint at byte ${P}`);
    b = buf[P++]!;
    if (shift < 28) v |= (b & 0x7f) << shift;
    else if (shift === 28) v = (v >>> 0) + (b & 0x0f) * 268435456;
    if (b < 0x80) return v >>> 0 === v ? v : v >>> 0;
    shift += 7;
    if (shift > 63) throw new ProtobufError(`varint too long at byte ${P}`);
  }
}

function skipField(buf: Buffer, end: number, wireType: number): void {
  if (wireType === 0) {
    while (P < end && buf[P++]! >= 0x80);
  } else if (wireType === 1) P += 8;
  else if (wireType === 2) {
    const len = varint32(buf, end); // read before adding: P moves
    P += len;
  }
  else if (wireType === 5) P += 4;
  else throw new ProtobufError(`unsupported wire type ${wireType} at byte ${P}`);
  if (P > end) throw new ProtobufError(`field runs past the end of its message at byte ${P}`);
}

/** Label field ranges of the current TimeSeries: [start, end) pairs of Label message bytes. */
let ranges = new Int32Array(128);
let labelBuf: Buffer = Buffer.alloc(0);
let labelCount = 0;

/** Decodes the current TimeSeries' labels (only called for a series not seen before). */
function currentLabels(): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < labelCount; i++) out.push(decodeLabel(labelBuf, ranges[i * 2]!, ranges[i * 2 + 1]!));
  return out;
}

/**
 * Decodes a `prometheus.WriteRequest` (remote_write 1.0) straight into an append session.
 * A known series is recognised by its raw label bytes, so its labels are decoded only once.
 */
export function decodeWriteRequestV1(buf: Buffer, session: AppendSession, nowSec: number): DecodeCounts {
  const counts: DecodeCounts = { series: 0, samples: 0, histograms: 0, exemplars: 0 };
  const end = buf.length;
  P = 0;
  while (P < end) {
    const tag = varint32(buf, end);
    if (tag === 0x0a) {
      const len = varint32(buf, end);
      const s = P;
      const e = s + len;
      if (e > end) throw new ProtobufError(`TimeSeries at byte ${s} runs past the end of the request`);
      decodeTimeSeries(buf, s, e, session, counts);
      P = e;
    } else if (tag === 0x1a) {
      const len = varint32(buf, end);
      const s = P;
      if (s + len > end) throw new ProtobufError(`metadata at byte ${s} runs past the end of the request`);
      decodeMetadata(new Reader(buf, s, s + len), session, nowSec);
      P = s + len;
    } else skipField(buf, end, tag & 7);
  }
  return counts;
}

function decodeTimeSeries(buf: Buffer, start: number, end: number, session: AppendSession, counts: DecodeCounts): void {
  counts.series++;
  // First pass: label ranges and sample count.
  let nLabels = 0;
  let firstLabelField = -1;
  let lastLabelEnd = -1;
  let contiguous = true;
  let sampleCount = 0;
  let firstSample = end;
  P = start;
  while (P < end) {
    const fieldStart = P;
    const tag = varint32(buf, end);
    if (tag === 0x0a) {
      const len = varint32(buf, end);
      if (nLabels * 2 + 2 > ranges.length) {
        const grown = new Int32Array(ranges.length * 2);
        grown.set(ranges);
        ranges = grown;
      }
      ranges[nLabels * 2] = P;
      ranges[nLabels * 2 + 1] = P + len;
      nLabels++;
      if (firstLabelField < 0) firstLabelField = fieldStart;
      else if (lastLabelEnd !== fieldStart) contiguous = false;
      P += len;
      lastLabelEnd = P;
    } else if (tag === 0x12 || tag === 0x1a || tag === 0x22) {
      const len = varint32(buf, end);
      P += len;
      if (tag === 0x12) {
        if (sampleCount === 0) firstSample = fieldStart;
        sampleCount++;
      }
      else if (tag === 0x1a) counts.exemplars++;
      else counts.histograms++;
    } else skipField(buf, end, tag & 7);
    if (P > end) throw new ProtobufError(`field at byte ${fieldStart} runs past the end of its TimeSeries`);
  }
  counts.samples += sampleCount;
  labelBuf = buf;
  labelCount = nLabels;
  let state;
  if (contiguous && firstLabelField >= 0) state = session.seriesByBytes(buf, firstLabelField, lastLabelEnd, currentLabels, sampleCount);
  else {
    let key = '';
    for (let i = 0; i < nLabels; i++) key += `${buf.toString('latin1', ranges[i * 2], ranges[i * 2 + 1])}\u0001`;
    state = session.series(key, currentLabels, sampleCount);
  }
  if (!state || sampleCount === 0) return;
  // Second pass: the samples, from the first one (labels are not scanned again).
  P = firstSample;
  while (P < end) {
    const tag = varint32(buf, end);
    if (tag !== 0x12) {
      skipField(buf, end, tag & 7);
      continue;
    }
    const len = varint32(buf, end);
    const sampleEnd = P + len;
    if (sampleEnd > end) throw new ProtobufError(`sample at byte ${P} runs past the end of its TimeSeries`);
    readSample(buf, P, sampleEnd);
    P = sampleEnd;
    session.sample(state, sample.ts, sample.value, sample.stale);
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
      case 0x08: type = r.uint32(); break;
      case 0x12: family = r.string(); break;
      case 0x22: help = r.string(); break;
      case 0x2a: unit = r.string(); break;
      default: r.skip(tag & 7);
    }
  }
  if (!family) throw new ProtobufError('metadata entry without metric_family_name');
  session.metadata(family, metricTypeName(type), help, unit, nowSec);
}
