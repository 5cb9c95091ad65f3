/**
 * A position in a ClickHouse `Native` stream and the pieces every reader of one needs: varints
 * (column and row counts, string lengths), strings (names, types, dictionary keys) and UInt64s
 * (LowCardinality headers). Reading past the end throws, naming the byte.
 */
export class NativeCursor {
  pos = 0;

  /** @param what names the data in errors ("Native result is truncated at byte …") */
  constructor(readonly buf: Buffer, private readonly what = 'Native data') {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Moves past `bytes` bytes; returns where they start. */
  take(bytes: number): number {
    const at = this.pos;
    if (at + bytes > this.buf.length) throw this.truncated(this.buf.length);
    this.pos = at + bytes;
    return at;
  }

  varint(): number {
    const buf = this.buf;
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= buf.length) throw this.truncated(this.pos);
      const b = buf[this.pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  }

  string(): string {
    const len = this.varint();
    const at = this.take(len);
    return this.buf.toString('utf8', at, at + len);
  }

  private truncated(at: number): Error {
    return new Error(`${this.what} is truncated at byte ${at}`);
  }

  /** A UInt64 below 2^53. */
  u64(): number {
    const at = this.take(8);
    return this.buf.readUInt32LE(at) + this.buf.readUInt32LE(at + 4) * 4294967296;
  }
}
