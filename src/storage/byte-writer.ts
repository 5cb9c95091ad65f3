const HEX_DIGITS = Buffer.from('0123456789abcdef');

/** A growable little-endian byte buffer; fixed-width writes go through a DataView (inlined by V8). */
export class ByteWriter {
  private buf: Buffer;
  private view: DataView;
  private pos = 0;

  constructor(initial: number) {
    // Unpooled: a finished buffer may be transferred to another thread.
    this.buf = Buffer.allocUnsafeSlow(Math.max(16, initial));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    this.buf.set(b, this.pos);
    this.pos += n;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  /** A non-negative integer below 2^53 as UInt64. */
  uint64(v: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, v % 4294967296, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / 4294967296), true);
    this.pos += 8;
  }

  /** A signed 64-bit integer (Int64, DateTime64 ticks). */
  int64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }

  uint8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** A Map(String, String) or a list of pairs: count, then name and value of each. */
  pairs(list: readonly (readonly [string, string])[]): void {
    this.varint(list.length);
    for (const [k, v] of list) {
      this.string(k);
      this.string(v);
    }
  }

  /** src[start, end) as it is (no length prefix). */
  raw(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    src.copy(this.buf, this.pos, start, end);
    this.pos += n;
  }

  /** src[start, end) as a String: its length, then the bytes. */
  stringBytes(src: Buffer, start: number, end: number): void {
    this.varint(end - start);
    this.raw(src, start, end);
  }

  /** src[start, end) as a String of lowercase hex digits. */
  hexString(src: Buffer, start: number, end: number): void {
    const n = (end - start) * 2;
    this.varint(n);
    this.ensure(n);
    for (let i = start; i < end; i++) {
      const b = src[i]!;
      this.buf[this.pos++] = HEX_DIGITS[b >> 4]!;
      this.buf[this.pos++] = HEX_DIGITS[b & 15]!;
    }
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Drops what was written after `length` bytes (a row that turned out to be refused). */
  truncate(length: number): void {
    this.pos = Math.min(this.pos, length);
  }

  /** The raw bytes of a typed array's first `bytes` bytes. */
  array(a: Uint32Array | Uint16Array | Uint8Array, bytes: number): void {
    this.bytes(new Uint8Array(a.buffer, a.byteOffset, bytes));
  }

  varint(v: number): void {
    this.ensure(10);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  /**
   * A String: its UTF-8 length, then the bytes. Short ASCII strings (most names, ids and
   * attribute values) are copied by a loop: the span ingest profile spent ~1.7 s per 1M spans in
   * Buffer.byteLength and Buffer#write calls for them.
   */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + 1 + i] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.pos = start + 1 + n;
        return;
      }
    }
    const len = Buffer.byteLength(s);
    this.varint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  /**
   * The written bytes. When more than a quarter of the buffer is unused they are copied into an
   * exact-size buffer, so a block held until its batch is inserted does not pin the slack.
   */
  finish(): Buffer {
    if (this.pos >= this.buf.length * 0.75) return this.buf.subarray(0, this.pos);
    const exact = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(exact, 0, 0, this.pos);
    return exact;
  }
}
