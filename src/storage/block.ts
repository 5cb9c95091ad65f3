import { hash } from 'node:crypto';
import type { EncodedBlock } from './interface.js';
import { NativeSamples, SAMPLES_NATIVE_COLUMNS, type NameSlot } from './native-samples.js';
import { decimalsOf } from './value-encoding.js';

/**
 * The row encoding shared by ingest, the WAL and storage, one buffer per table, so blocks
 * concatenate into one insert and the WAL record is the insert payload. Series and metadata
 * rows are ClickHouse RowBinary; samples, nearly all of the bytes, a Native block
 * (native-samples.ts). Layouts (must match SERIES_STRUCTURE etc. below):
 *   series:   tenant String, metric_name String, fingerprint UInt64, day Date, labels Map(String,String)
 *   samples:  tenant, metric_name (LowCardinality), fingerprint UInt64, unix_milli Int64, mantissa Int64,
 *             decimals UInt8, flags UInt8 — the value as mantissa / 10^decimals when that gives back
 *             the exact double, else (decimals = RAW_DECIMALS) its IEEE bits in `mantissa`
 *   metadata: tenant String, metric_name String, type String, help String, unit String, updated_at DateTime
 */
export const SERIES_COLUMNS = ['tenant', 'metric_name', 'fingerprint', 'day', 'labels'] as const;
export const SERIES_STRUCTURE = 'tenant String, metric_name String, fingerprint UInt64, day Date, labels Map(String, String)';
export const SAMPLES_COLUMNS = SAMPLES_NATIVE_COLUMNS.map(([name]) => name);
export const SAMPLES_STRUCTURE = SAMPLES_NATIVE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');

export const METADATA_COLUMNS = ['tenant', 'metric_name', 'type', 'help', 'unit', 'updated_at'] as const;
export const METADATA_STRUCTURE = 'tenant String, metric_name String, type String, help String, unit String, updated_at DateTime';

const DAY_MS = 86_400_000;

/** A series as ingest knows it once its labels are validated; built once and cached. */
export interface SeriesRef {
  readonly tenant: string;
  readonly metricName: string;
  /** Label pairs without `__name__`, sorted by name. */
  readonly labels: readonly (readonly [string, string])[];
  /** Fingerprint as a decimal string (API use). */
  readonly fingerprint: string;
  /** Fingerprint as two unsigned 32-bit halves (little-endian order: low first). */
  readonly fpLo: number;
  readonly fpHi: number;
  /** RowBinary of (tenant, metric_name, fingerprint): the first columns of a series row. */
  readonly prefix: Buffer;
  /** Dictionary places for the block builder (see NativeSamples). */
  readonly nameSlot: NameSlot;
}

/**
 * Makes the reference for a label set. The fingerprint is the first 8 bytes (little-endian) of
 * SHA-1 over tenant and the sorted label pairs; stable across processes and versions.
 */
export function makeSeriesRef(
  tenant: string,
  metricName: string,
  sortedLabels: readonly (readonly [string, string])[],
  /** Shared by every series of one tenant and metric name (see NativeSamples); fresh if absent. */
  nameSlot: NameSlot = { block: 0, name: 0, tenant: 0 },
): SeriesRef {
  let key = `${tenant}\xff__name__\xff${metricName}`;
  for (const [n, v] of sortedLabels) key += `\xff${n}\xff${v}`;
  const digest = hash('sha1', key, 'buffer');
  const w = new ByteWriter(16 + tenant.length * 3 + metricName.length * 3);
  w.string(tenant);
  w.string(metricName);
  w.bytes(digest.subarray(0, 8));
  return {
    tenant,
    metricName,
    labels: sortedLabels,
    fingerprint: digest.readBigUInt64LE(0).toString(),
    fpLo: digest.readUInt32LE(0),
    fpHi: digest.readUInt32LE(4),
    prefix: w.finish(),
    nameSlot,
  };
}

/** Accumulates the rows of one request. Not thread-safe; one per request. */
export class BlockBuilder {
  private readonly seriesW = new ByteWriter(1024);
  private readonly samplesW: NativeSamples;
  private readonly metaW = new ByteWriter(256);
  private seriesRows = 0;
  private metadataRows = 0;

  /** `expectedSamples`: about how many sample rows will come, to allocate once. */
  constructor(expectedSamples = 1024) {
    this.samplesW = new NativeSamples(expectedSamples);
  }

  /** Adds the series row for `ref` on the UTC day containing `tsMs`. */
  series(ref: SeriesRef, tsMs: number): void {
    const w = this.seriesW;
    w.bytes(ref.prefix);
    w.uint16(Math.min(65_535, Math.max(0, Math.floor(tsMs / DAY_MS))));
    w.varint(ref.labels.length);
    for (const [n, v] of ref.labels) {
      w.string(n);
      w.string(v);
    }
    this.seriesRows++;
  }

  /**
   * Adds one sample; `flags` is a bit set (see STALE_FLAG). `decimals` comes from decimalsOf
   * (ingest keeps the last one per series as the next hint).
   */
  sample(ref: SeriesRef, tsMs: number, value: number, flags: number, decimals = decimalsOf(value, 0)): void {
    this.samplesW.add(ref, tsMs, value, decimals, flags);
  }

  metadata(tenant: string, metricName: string, type: string, help: string, unit: string, updatedAtSec: number): void {
    const w = this.metaW;
    w.string(tenant);
    w.string(metricName);
    w.string(type);
    w.string(help);
    w.string(unit);
    w.uint32(updatedAtSec);
    this.metadataRows++;
  }

  finish(): EncodedBlock {
    return {
      series: this.seriesW.finish(),
      seriesRows: this.seriesRows,
      samples: this.samplesW.finish(),
      sampleRows: this.samplesW.rows,
      metadata: this.metaW.finish(),
      metadataRows: this.metadataRows,
    };
  }
}

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

  varint(v: number): void {
    this.ensure(10);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
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
