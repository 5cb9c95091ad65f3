import { makeSeriesRef, type SeriesRef } from '../storage/block.js';
import type { NameSlot } from '../storage/native-samples.js';

/** Per-series ingest state: the reference plus what is needed to validate the next sample. */
export interface SeriesState {
  readonly ref: SeriesRef;
  /** Newest accepted timestamp, ms (-Infinity before the first). */
  lastTs: number;
  lastValue: number;
  /** Range of UTC day numbers for which a series row was written this process. */
  minDay: number;
  maxDay: number;
  /** Decimals of the last value stored in decimal form (the first guess for the next). */
  decimals: number;
}

/** A bytes-keyed entry; entries with the same hash form a chain. */
export interface ByteKeyEntry {
  /** Where the key bytes are in the tenant's arena, and how many. */
  readonly keyOffset: number;
  readonly keyLength: number;
  readonly state: SeriesState;
  /** Next entry with the same hash. */
  next: ByteKeyEntry | undefined;
  /** The entry that followed this one in the last request that had it (a guess for the next). */
  successor: ByteKeyEntry | undefined;
}

/** One tenant's keys: strings (text, JSON, scrape) and raw bytes by hash (remote_write). */
export interface TenantKeys {
  readonly strings: Map<string, SeriesState>;
  readonly bytes: Map<number, ByteKeyEntry>;
  /** Key bytes of `bytes` entries, stored one after another in the order series first came. */
  readonly arena: KeyArena;
}

/**
 * Growable storage for key bytes. Keys sit in the order series first arrived, which is the order
 * senders keep repeating, so comparing keys walks memory mostly forwards.
 */
export class KeyArena {
  private buf = new Uint8Array(64 * 1024);
  view = new DataView(this.buf.buffer);
  private used = 0;

  /** Copies bytes [start, end) of `src` in; returns their offset. */
  add(src: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (this.used + len > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.used + len) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.used));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const offset = this.used;
    this.buf.set(src.subarray(start, end), offset);
    this.used += len;
    return offset;
  }

  clear(): void {
    this.used = 0;
  }
}

/**
 * Remembers series by a request-format key (e.g. the raw label bytes of a remote_write
 * TimeSeries) so a known series costs one lookup, no label decoding and no hashing of labels.
 * Bounded: when it holds `maxEntries` keys it starts afresh (series rows are then re-written,
 * which storage de-duplicates).
 */
export class SeriesCache {
  private readonly tenants = new Map<string, TenantKeys>();
  private readonly byFingerprint = new Map<string, SeriesState>();
  /** One dictionary slot per tenant and metric name, shared by its series (see NativeSamples). */
  private readonly nameSlots = new Map<string, NameSlot>();
  /** tenant + family → "type|help|unit" and when it was last written (s). */
  private readonly metadata = new Map<string, { signature: string; writtenAt: number }>();
  private keys = 0;

  constructor(private readonly maxEntries = 2_000_000) {}

  get size(): number {
    return this.byFingerprint.size;
  }

  /** One tenant's key maps (an append session holds on to them). */
  tenantKeys(tenant: string): TenantKeys {
    let t = this.tenants.get(tenant);
    if (!t) this.tenants.set(tenant, (t = { strings: new Map(), bytes: new Map(), arena: new KeyArena() }));
    return t;
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

  /**
   * Forgets the newest timestamps of a tenant's series. Called when rows that were decoded could
   * not be made durable: the sender will retry them, and must not be told "duplicate".
   */
  forgetOrder(tenant: string): void {
    for (const s of this.byFingerprint.values()) {
      if (s.ref.tenant !== tenant) continue;
      s.lastTs = -Infinity;
      s.lastValue = Number.NaN;
    }
  }

  /** The state of a validated label set (created on first sight); two keys may share one. */
  register(tenant: string, metricName: string, sortedLabels: readonly (readonly [string, string])[]): SeriesState {
    if (this.keys >= this.maxEntries) {
      for (const t of this.tenants.values()) {
        t.strings.clear();
        t.bytes.clear();
        t.arena.clear();
      }
      this.byFingerprint.clear();
      this.nameSlots.clear();
      this.keys = 0;
    }
    const slotKey = `${tenant}\xff${metricName}`;
    let slot = this.nameSlots.get(slotKey);
    if (!slot) {
      slot = { block: 0, name: 0, tenant: 0 };
      this.nameSlots.set(slotKey, slot);
    }
    const ref = makeSeriesRef(tenant, metricName, sortedLabels, slot);
    let state = this.byFingerprint.get(ref.fingerprint);
    if (!state) {
      state = { ref, lastTs: -Infinity, lastValue: Number.NaN, minDay: Infinity, maxDay: -Infinity, decimals: 0 };
      this.byFingerprint.set(ref.fingerprint, state);
    }
    this.keys++;
    return state;
  }
}

/**
 * MurmurHash3 (x86, 32-bit) of bytes [start, end) of `view`: the remote_write label-bytes key.
 * Collisions are resolved by comparing the bytes (`sameBytes`).
 */
export function hashBytes(view: DataView, start: number, end: number): number {
  let h = 0x9747b28c;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = view.getUint32(i, true);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (end - i) {
    case 3: k ^= view.getUint8(i + 2) << 16; // falls through
    case 2: k ^= view.getUint8(i + 1) << 8; // falls through
    case 1:
      k ^= view.getUint8(i);
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** True when `n` bytes of `a` from `aStart` equal those of `b` from `bStart` (a word at a time). */
export function sameBytes(a: DataView, aStart: number, b: DataView, bStart: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (a.getUint32(aStart + i, true) !== b.getUint32(bStart + i, true)) return false;
  for (; i < n; i++) if (a.getUint8(aStart + i) !== b.getUint8(bStart + i)) return false;
  return true;
}
