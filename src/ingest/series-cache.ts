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
  /** tenant → format key → state; per-tenant maps keep the hot lookup a flat-string hash. */
  private readonly byKey = new Map<string, Map<string, SeriesState>>();
  private keys = 0;
  private readonly byFingerprint = new Map<string, SeriesState>();
  /** tenant + family → "type|help|unit" and when it was last written (s). */
  private readonly metadata = new Map<string, { signature: string; writtenAt: number }>();

  constructor(private readonly maxEntries = 2_000_000) {}

  get size(): number {
    return this.byFingerprint.size;
  }

  /** The map of one tenant's keys (pass it to `get` to skip the tenant lookup per series). */
  tenantKeys(tenant: string): Map<string, SeriesState> {
    let m = this.byKey.get(tenant);
    if (!m) this.byKey.set(tenant, (m = new Map<string, SeriesState>()));
    return m;
  }

  /**
   * True when this metadata was written less than an hour ago (so it need not be written again);
   * otherwise remembers it as written now and returns false.
   */
  metadataFresh(tenant: string, family: string, signature: string, nowSec: number): boolean {
    const key = `${tenant}\u0000${family}`;
    const seen = this.metadata.get(key);
    if (seen && seen.signature === signature && nowSec - seen.writtenAt < 3600) return true;
    if (this.metadata.size >= 100_000) this.metadata.clear();
    this.metadata.set(key, { signature, writtenAt: nowSec });
    return false;
  }

  /** Registers validated labels under `key`; two keys for one label set share one state. */
  add(key: string, tenant: string, metricName: string, sortedLabels: readonly (readonly [string, string])[]): SeriesState {
    if (this.keys >= this.maxEntries) {
      for (const m of this.byKey.values()) m.clear();
      this.byFingerprint.clear();
      this.keys = 0;
    }
    const ref = makeSeriesRef(tenant, metricName, sortedLabels);
    let state = this.byFingerprint.get(ref.fingerprint);
    if (!state) {
      state = { ref, lastTs: -Infinity, lastValue: Number.NaN, minDay: Infinity, maxDay: -Infinity };
      this.byFingerprint.set(ref.fingerprint, state);
    }
    this.tenantKeys(tenant).set(key, state);
    this.keys++;
    return state;
  }
}
