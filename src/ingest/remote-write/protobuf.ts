/**
 * A minimal protobuf wire-format reader for the ingest hot paths (remote_write, Loki push):
 * no reflection, no Long objects. Throws ProtobufError on malformed input.
 */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export class Reader {
  pos: number;

  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint of up to 32 significant bits (tags, lengths, enums, uint32). */
  uint32(): number {
    const b = this.buf;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new ProtobufError(`truncated varint at byte ${this.pos}`);
      const byte = b[this.pos++]!;
      if (shift < 32) result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 63) throw new ProtobufError(`varint too long at byte ${this.pos}`);
    }
    return result > 0xffffffff ? result % 4294967296 : result;
  }

  /** An int64 varint as a number (exact within ±2^53; two's complement negatives handled). */
  int64(): number {
    const v = int64At(this.buf, this.pos, this.end);
    this.pos = after;
    return v;
  }

  /** Returns [start, end) of a length-delimited field's bytes and skips them. */
  bytesRange(): [number, number] {
    const len = this.uint32();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new ProtobufError(`field length ${len} at byte ${start} runs past the end of its message`);
    this.pos = end;
    return [start, end];
  }

  string(): string {
    const [s, e] = this.bytesRange();
    return this.buf.toString('utf8', s, e);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.int64();
        return;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.bytesRange();
        return;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
    if (this.pos > this.end) throw new ProtobufError('truncated field');
  }
}

/** Where the last `int64At` stopped (hot paths keep their own cursor, so no object is made). */
let after = 0;

/** The int64 varint at `pos` as a number (exact within ±2^53; two's complement negatives). */
function int64At(buf: Buffer, pos: number, end: number): number {
  let p = pos;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (;;) {
    if (p >= end) throw new ProtobufError(`truncated varint at byte ${p}`);
    const b = buf[p++]!;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    if (b < 0x80) {
      after = p;
      return hi * 4294967296 + (lo >>> 0);
    }
    shift += 7;
    if (shift > 63) throw new ProtobufError(`varint too long at byte ${p}`);
  }
}

/** A DataView of the buffer `readSample` reads (one per request): V8 inlines its reads. */
let viewOf: Buffer | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));

/** The sample `readSample` read last; reused so the hot path allocates nothing. */
export const sample = { value: 0, ts: 0, stale: false };

/**
 * Reads a remote_write Sample { double value = 1; int64 timestamp = 2 } (the same message in 1.0
 * and 2.0) from buf[start, end) into `sample`. `stale` marks Prometheus's staleness NaN
 * (0x7ff0000000000002), which arithmetic on the double would not preserve.
 */
export function readSample(buf: Buffer, start: number, end: number): void {
  if (buf !== viewOf) {
    viewOf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  let p = start;
  sample.value = 0;
  sample.ts = 0;
  sample.stale = false;
  while (p < end) {
    const t = buf[p++]!;
    if (t === 0x09) {
      if (p + 8 > end) throw new ProtobufError(`truncated sample value at byte ${p}`);
      sample.stale = view.getUint32(p + 4, true) === 0x7ff00000 && view.getUint32(p, true) === 2;
      sample.value = view.getFloat64(p, true);
      p += 8;
    } else if (t === 0x10) {
      sample.ts = int64At(buf, p, end);
      p = after;
    } else {
      const r = new Reader(buf, p - 1, end);
      r.skip(r.uint32() & 7);
      p = r.pos;
    }
  }
  if (p !== end) throw new ProtobufError(`malformed sample ending at byte ${end}`);
}
