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
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new ProtobufError(`truncated varint at byte ${this.pos}`);
      const byte = b[this.pos++]!;
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >>> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 63) throw new ProtobufError(`varint too long at byte ${this.pos}`);
    }
    return hi * 4294967296 + (lo >>> 0);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError(`truncated double at byte ${this.pos}`);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** True when the next 8 bytes are Prometheus's staleness NaN (0x7ff0000000000002). */
  peekStaleNaN(): boolean {
    return this.buf.readUInt32LE(this.pos) === 2 && this.buf.readUInt32LE(this.pos + 4) === 0x7ff00000;
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
