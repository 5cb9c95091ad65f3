import { hash } from 'node:crypto';
import type { EncodedBlock } from './interface.js';
import { ByteWriter } from './byte-writer.js';
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
