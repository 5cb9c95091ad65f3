import { makeSeriesRef, type SeriesRef } from '../storage/block.js';

/** Per-series ingest state: the reference plus what is needed to validate the next sample. */
export interface SeriesState {
  readonly ref: SeriesRef;
  /** Newest accepted timestamp, ms (-Infinity before the first). */
  lastTs: number;
  lastValue: number;
  /** Range of UTC day numbers for which a series row was written this process. */
  minDay: number;
  maxDay: number;
}

/**
 * Remembers series by a request-format key (e.g. the raw label bytes of a remote_write
 * TimeSeries) so a known series costs one map lookup, no label decoding and no hashing.
 * Bounded: when it holds `maxEntries` keys it starts afresh (series rows are then re-written,
 * which storage de-duplicates).
 */
export class SeriesCache {
  private readonly byKey = new Map<string, SeriesState>();
  private readonly byFingerprint = new Map<string, SeriesState>();

  constructor(private readonly maxEntries = 2_000_000) {}

  get size(): number {
    return this.byFingerprint.size;
  }

  /** The state for `key` (already tenant-qualified by the caller), if known. */
  get(key: string): SeriesState | undefined {
    return this.byKey.get(key);
  }

  /** Registers validated labels under `key`; two keys for one label set share one state. */
  add(key: string, tenant: string, metricName: string, sortedLabels: readonly (readonly [string, string])[]): SeriesState {
    if (this.byKey.size >= this.maxEntries) {
      this.byKey.clear();
      this.byFingerprint.clear();
    }
    const ref = makeSeriesRef(tenant, metricName, sortedLabels);
    let state = this.byFingerprint.get(ref.fingerprint);
    if (!state) {
      state = { ref, lastTs: -Infinity, lastValue: Number.NaN, minDay: Infinity, maxDay: -Infinity };
      this.byFingerprint.set(ref.fingerprint, state);
    }
    this.byKey.set(key, state);
    return state;
  }
}
