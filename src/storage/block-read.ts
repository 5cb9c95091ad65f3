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

/** Reads RowBinary and Native back into objects: for tests and the in-memory storage fake, not hot paths. */
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

/** One Native block of samples (see native-samples.ts): columns by name, then rows. */
function readNativeSamples(r: RowReader): SampleRow[] {
  const columnCount = r.varint();
  const rows = r.varint();
  const cols = new Map<string, (number | string | bigint)[]>();
  for (let c = 0; c < columnCount; c++) {
    const name = r.string();
    const type = r.string();
    const values: (number | string | bigint)[] = [];
    if (type === 'LowCardinality(String)') {
      r.u64();
      const width = [1, 2, 4, 8][Number(BigInt(r.u64()) & 0xffn)]!;
      const keys = Array.from({ length: Number(r.u64()) }, () => r.string());
      r.u64();
      for (let i = 0; i < rows; i++) {
        const k = width === 1 ? r.u8() : width === 2 ? r.u16() : r.u32();
        values.push(keys[k]!);
      }
    } else if (type === 'UInt64') for (let i = 0; i < rows; i++) values.push(BigInt(r.u64()));
    else if (type === 'Int64') for (let i = 0; i < rows; i++) values.push(r.buf.readBigInt64LE((r.pos += 8) - 8));
    else if (type === 'UInt8') for (let i = 0; i < rows; i++) values.push(r.u8());
    else throw new Error(`unexpected column type ${type}`);
    cols.set(name, values);
  }
  const col = (name: string) => cols.get(name)!;
  return Array.from({ length: rows }, (_, i) => {
    const decimals = col('decimals')[i] as number;
    const mantissa = col('mantissa')[i] as bigint;
    const bits = Buffer.alloc(8);
    bits.writeBigInt64LE(mantissa);
    return {
      tenant: col('tenant')[i] as string,
      metricName: col('metric_name')[i] as string,
      fingerprint: String(col('fingerprint')[i]),
      ts: Number(col('unix_milli')[i]),
      value: decimals === RAW_DECIMALS ? bits.readDoubleLE(0) : Number(mantissa) / 10 ** decimals,
      flags: col('flags')[i] as number,
    };
  });
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
  for (const r = new RowReader(block.samples); !r.done;) samples.push(...readNativeSamples(r));
  const metadata: MetadataRow[] = [];
  for (const r = new RowReader(block.metadata); !r.done;) {
    const row = { tenant: r.string(), metricName: r.string(), type: r.string(), help: r.string(), unit: r.string() };
    r.u32();
    metadata.push(row);
  }
  return { series, samples, metadata };
}
