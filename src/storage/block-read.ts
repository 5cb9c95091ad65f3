import { RAW_DECIMALS } from './value-encoding.js';
import type { EncodedBlock } from './interface.js';

/** A decoded samples row (see block.ts for the layout). */
export interface SampleRow {
  tenant: string;
  metricName: string;
  fingerprint: string;
  ts: number;
  value: number;
  flags: number;
}

export interface SeriesRow {
  tenant: string;
  metricName: string;
  fingerprint: string;
  day: number;
  labels: Record<string, string>;
}

export interface MetadataRow {
  tenant: string;
  metricName: string;
  type: string;
  help: string;
  unit: string;
}

/** Reads RowBinary back into objects: for tests and the in-memory storage fake, not hot paths. */
class RowReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  }
  string(): string {
    const len = this.varint();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  u64(): string {
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v.toString();
  }
  i64(): number {
    const v = this.buf.readInt32LE(this.pos + 4) * 4294967296 + this.buf.readUInt32LE(this.pos);
    this.pos += 8;
    return v;
  }
  f64(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  u8(): number {
    return this.buf[this.pos++]!;
  }
  u16(): number {
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
}

export function readBlock(block: EncodedBlock): { series: SeriesRow[]; samples: SampleRow[]; metadata: MetadataRow[] } {
  const series: SeriesRow[] = [];
  for (const r = new RowReader(block.series); !r.done;) {
    const row: SeriesRow = { tenant: r.string(), metricName: r.string(), fingerprint: r.u64(), day: r.u16(), labels: {} };
    const n = r.varint();
    for (let i = 0; i < n; i++) row.labels[r.string()] = r.string();
    series.push(row);
  }
  const samples: SampleRow[] = [];
  for (const r = new RowReader(block.samples); !r.done;) {
    const tenant = r.string();
    const metricName = r.string();
    const fingerprint = r.u64();
    const ts = r.i64();
    const bits = r.pos;
    const mantissa = r.i64();
    const decimals = r.u8();
    const value = decimals === RAW_DECIMALS ? r.buf.readDoubleLE(bits) : mantissa / 10 ** decimals;
    samples.push({ tenant, metricName, fingerprint, ts, value, flags: r.u8() });
  }
  const metadata: MetadataRow[] = [];
  for (const r = new RowReader(block.metadata); !r.done;) {
    const row = { tenant: r.string(), metricName: r.string(), type: r.string(), help: r.string(), unit: r.string() };
    r.u32();
    metadata.push(row);
  }
  return { series, samples, metadata };
}
