import { STALE_FLAG } from '../interface.js';
import { decimalsOf, POW10, RAW_DECIMALS } from '../value-encoding.js';
import type { SharedWriter } from './shared-samples.js';
import { type Slab, type SlotBuffer, Slabs, SlotPool } from './slabs.js';

/** Samples per sealed chunk. */
export const CHUNK_SAMPLES = 128;
/** Per sealed chunk in the index: first time, last time, slab, offset, bytes. */
const INDEX_FIELDS = 5;
/** Header of a sealed chunk: widths, decimals, flags marker, count, step, first mantissa. */
const HEADER_BYTES = 24;
/** Raw 8-byte column (timestamps or values stored as doubles). */
const RAW = 8;
/** Scratch for sealing: the chunk's mantissas at one scale (shared by every series). */
const SCALED = new Float64Array(CHUNK_SAMPLES);
/** Numbers per open-tail sample given to other threads: time, mantissa or raw value, decimals·256 + flags. */
export const TAIL_FIELDS = 3;
/**
 * Bytes of an open tail's slot. Per sample: the mantissa or raw value (8 bytes), the time as an
 * offset from the tail's first sample (4), decimals·256 + flags (2): 14 bytes where three
 * doubles took 24 (10,000 series: 17.5 MiB of tails instead of 30).
 */
export const TAIL_SLOT_BYTES = CHUNK_SAMPLES * 14;
/** Where a slot's time offsets and decimals·256 + flags start (bytes from the slot's start). */
const TAIL_T_AT = CHUNK_SAMPLES * 8;
const TAIL_DF_AT = CHUNK_SAMPLES * 12;
const NO_TAIL: SlotBuffer = { f64: new Float64Array(0), i32: new Int32Array(0), u16: new Uint16Array(0) };
/** An open tail as TAIL_FIELDS numbers per sample, to decode or share (shared by every series). */
const TRIPLES = new Float64Array(CHUNK_SAMPLES * TAIL_FIELDS);
/** The tail's columns while a chunk is sealed (shared by every series). */
const SEAL = { tt: new Float64Array(CHUNK_SAMPLES), tm: new Float64Array(CHUNK_SAMPLES), td: new Uint8Array(CHUNK_SAMPLES), tf: new Uint8Array(CHUNK_SAMPLES) };
/** Bytes a series costs besides its arrays (objects, typed array headers), for the budget. */
const SERIES_OVERHEAD_BYTES = 400;

/** Arrays one series after another is read into (the caller uses each before the next). */
export class SampleScratch {
  private t = new Float64Array(0);
  private v = new Float64Array(0);
  private f = new Uint8Array(0);

  /** Views of `n` samples' room. */
  room(n: number): { t: Float64Array; v: Float64Array; f: Uint8Array } {
    if (this.t.length < n) {
      const size = Math.max(n, this.t.length * 2);
      this.t = new Float64Array(size);
      this.v = new Float64Array(size);
      this.f = new Uint8Array(size);
    }
    return { t: this.t.subarray(0, n), v: this.v.subarray(0, n), f: this.f.subarray(0, n) };
  }
}

/** Where a read's samples are (see SeriesChunks.plan). */
interface ReadPlan {
  readonly first: number;
  readonly last: number;
  readonly tailFrom: number;
  readonly total: number;
}

/** Samples of one series in a time range, in caller-owned arrays. */
export interface SampleArrays {
  timestamps: Float64Array;
  values: Float64Array;
  flags: Uint8Array;
}

/**
 * Every sample of one series, oldest first: a raw open tail, and sealed chunks kept in shared
 * slabs (slabs.ts). A sealed chunk stores timestamps as deviations from a fixed step (none at all for
 * a regular scrape) and values as deltas of the decimal mantissas storage uses (value-encoding.ts)
 * in the narrowest width that holds them, else as doubles; decoding gives back exactly the
 * doubles ClickHouse returns (`mantissa / 10^decimals`, one IEEE division).
 *
 * Samples arrive with a time after the newest (`append`); anything else goes through `insert`,
 * which rebuilds the series (rare: ingest refuses out-of-order samples).
 */
export class SeriesChunks {
  /** Per sealed chunk: first time, last time, slab, offset in the slab, bytes. */
  private index: number[] = [];
  private chunks = 0;
  private sealedBytes = 0;
  /**
   * The open tail: `tn` samples in a slot of the shared pool (allocated with the first sample),
   * mantissas from `mi` in its f64 view, time offsets from `t0` at `ti` in its i32 view,
   * decimals·256 + flags at `fi` in its u16 view.
   */
  private tail: SlotBuffer = NO_TAIL;
  private mi = 0;
  private ti = 0;
  private fi = 0;
  private t0 = 0;
  private tailSlot = -1;
  private tn = 0;
  private last = -Infinity;

  /** @param slabs where sealed chunks are kept (shared by every series of a cache) */
  constructor(private readonly slabs: Slabs = new Slabs(), private readonly tails: SlotPool = new SlotPool(TAIL_SLOT_BYTES)) {}

  /** Time of the newest sample; -Infinity when empty. */
  get lastT(): number {
    return this.last;
  }

  get empty(): boolean {
    return this.tn === 0 && this.chunks === 0;
  }

  /** Memory held, for the cache's budget. */
  get bytes(): number {
    return SERIES_OVERHEAD_BYTES + this.index.length * 8 + this.sealedBytes + (this.tailSlot >= 0 ? TAIL_SLOT_BYTES : 0);
  }

  /** Times of the sealed chunks' newest samples, oldest first (for choosing what to evict). */
  *sealedEnds(): Iterable<[maxT: number, bytes: number]> {
    for (let c = 0; c < this.chunks; c++) yield [this.index[c * INDEX_FIELDS + 1]!, this.index[c * INDEX_FIELDS + 4]! + INDEX_FIELDS * 8];
  }

  /**
   * Adds a sample newer than every other (`t > lastT`). `m` is the mantissa, or the value itself
   * when `d` is RAW_DECIMALS. Returns the change in `bytes`.
   */
  append(t: number, m: number, d: number, f: number): number {
    let grown = 0;
    if (this.tailSlot < 0) {
      this.tailSlot = this.tails.alloc();
      const [buffer, at] = this.tails.locate(this.tailSlot);
      this.tail = buffer;
      this.mi = at / 8;
      this.ti = (at + TAIL_T_AT) / 4;
      this.fi = (at + TAIL_DF_AT) / 2;
      grown = TAIL_SLOT_BYTES;
    } else if (this.tn === CHUNK_SAMPLES || (this.tn > 0 && !fitsOffset(t - this.t0))) {
      // A full tail, or a sample too far from the tail's first for a 32-bit offset, seals a chunk.
      const before = this.bytes;
      this.seal();
      grown = this.bytes - before;
    }
    if (this.tn === 0) this.t0 = t;
    const i = this.tn++;
    this.tail.f64[this.mi + i] = m;
    this.tail.i32[this.ti + i] = t - this.t0;
    this.tail.u16[this.fi + i] = d * 256 + f;
    this.last = t;
    return grown;
  }

  /** Adds or replaces a sample at any time (rebuilds the series). Returns the change in `bytes`. */
  insert(t: number, m: number, d: number, f: number): number {
    // A repeat of a sample still in the open tail (a write replayed after a crash) changes nothing.
    for (let k = this.tn - 1; k >= 0 && this.tailTime(k) >= t; k--) {
      if (this.tailTime(k) === t && this.tail.f64[this.mi + k] === m && this.tail.u16[this.fi + k] === d * 256 + f) return 0;
    }
    const before = this.bytes;
    const all = this.raw();
    let lo = 0;
    let hi = all.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all.t[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const replace = lo < all.n && all.t[lo] === t;
    if (replace && all.m[lo] === m && all.d[lo] === d && all.f[lo] === f) return 0;
    this.reset();
    for (let k = 0; k < all.n; k++) {
      if (k === lo) {
        this.append(t, m, d, f);
        if (replace) continue;
      }
      this.append(all.t[k]!, all.m[k]!, all.d[k]!, all.f[k]!);
    }
    if (lo === all.n) this.append(t, m, d, f);
    return this.bytes - before;
  }

  /** Drops sealed chunks whose newest sample is older than `cutoff` (and the tail, when all of it is). Returns the change in `bytes`. */
  dropBefore(cutoff: number): number {
    const before = this.bytes;
    let k = 0;
    while (k < this.chunks && this.index[k * INDEX_FIELDS + 1]! < cutoff) k++;
    if (k > 0) {
      this.freeChunks(0, k);
      this.index.splice(0, k * INDEX_FIELDS);
      this.chunks -= k;
    }
    if (this.chunks === 0 && this.last < cutoff) this.reset();
    return this.bytes - before;
  }

  /** What a read of [start, end] decodes: whole sealed chunks [first, last) and the tail from `tailFrom`. */
  private plan(start: number, end: number): ReadPlan | undefined {
    let first = 0;
    let hi = this.chunks;
    while (first < hi) {
      const mid = (first + hi) >>> 1;
      if (this.index[mid * INDEX_FIELDS + 1]! < start) first = mid + 1;
      else hi = mid;
    }
    let last = first;
    let total = 0;
    while (last < this.chunks && this.index[last * INDEX_FIELDS]! <= end) total += this.chunkCount(last++);
    const tailFrom = this.tn > 0 && this.t0 <= end && this.last >= start ? 0 : this.tn;
    total += this.tn - tailFrom;
    return total === 0 ? undefined : { first, last, tailFrom, total };
  }

  /** Decodes what `plan` names into the arrays at `at` (plan.total samples). */
  private decodeInto(plan: ReadPlan, t: Float64Array, v: Float64Array, f: Uint8Array, at: number): void {
    for (let c = plan.first; c < plan.last; c++) at = this.decode(c, t, v, f, at);
    const triples = this.tailTriples(plan.tailFrom);
    decodeTail(triples, 0, triples.length, t, v, f, at);
  }

  /** Open-tail samples from `from` as TAIL_FIELDS numbers each (scratch shared by every series: use before the next call). */
  private tailTriples(from: number): Float64Array {
    let k = 0;
    for (let i = from; i < this.tn; i++, k += TAIL_FIELDS) {
      TRIPLES[k] = this.tailTime(i);
      TRIPLES[k + 1] = this.tail.f64[this.mi + i]!;
      TRIPLES[k + 2] = this.tail.u16[this.fi + i]!;
    }
    return TRIPLES.subarray(0, k);
  }

  /** Time of open-tail sample `i`. */
  private tailTime(i: number): number {
    return this.t0 + this.tail.i32[this.ti + i]!;
  }

  /**
   * The samples with `start <= t <= end`, or undefined when there are none: in arrays of their
   * own, or in `scratch` (valid until its next use).
   */
  read(start: number, end: number, scratch?: SampleScratch): SampleArrays | undefined {
    const plan = this.plan(start, end);
    if (!plan) return undefined;
    const { t, v, f } = scratch ? scratch.room(plan.total) : { t: new Float64Array(plan.total), v: new Float64Array(plan.total), f: new Uint8Array(plan.total) };
    this.decodeInto(plan, t, v, f, 0);
    return trim(t, v, f, start, end);
  }

  /**
   * What a read of [start, end] would decode, for another thread: the sealed chunks by reference
   * (their bytes never change) and the open tail's samples copied as they are (it changes). False when none.
   */
  share(start: number, end: number, out: SharedWriter): boolean {
    const plan = this.plan(start, end);
    if (!plan) return false;
    for (let c = plan.first; c < plan.last; c++) out.chunk(this.slabs.get(this.index[c * INDEX_FIELDS + 2]!), this.index[c * INDEX_FIELDS + 3]!, this.index[c * INDEX_FIELDS]!, this.chunkCount(c));
    out.tail(this.tailTriples(plan.tailFrom));
    return true;
  }

  private chunkCount(c: number): number {
    return chunkSamples(this.slabs.get(this.index[c * INDEX_FIELDS + 2]!).u8, this.index[c * INDEX_FIELDS + 3]!);
  }

  /** Gives chunks [from, to) back to the slabs. */
  private freeChunks(from: number, to: number): void {
    for (let c = from; c < to; c++) {
      const size = this.index[c * INDEX_FIELDS + 4]!;
      this.slabs.free(this.index[c * INDEX_FIELDS + 2]!, size);
      this.sealedBytes -= size;
    }
  }

  /** Decodes sealed chunk `c` into the arrays at `at`; returns the next position. */
  private decode(c: number, t: Float64Array, v: Float64Array, f: Uint8Array, at: number): number {
    return decodeChunk(this.slabs.get(this.index[c * INDEX_FIELDS + 2]!), this.index[c * INDEX_FIELDS + 3]!, this.index[c * INDEX_FIELDS]!, t, v, f, at);
  }

  /** Encodes the open tail as a sealed chunk and empties it. */
  private seal(): void {
    const n = this.tn;
    const { tt, tm, td, tf } = SEAL;
    const { f64: mv, u16: dfv } = this.tail;
    for (let i = 0; i < n; i++) {
      tt[i] = this.tailTime(i);
      tm[i] = mv[this.mi + i]!;
      td[i] = dfv[this.fi + i]! >> 8;
      tf[i] = dfv[this.fi + i]! & 0xff;
    }
    const t0 = tt[0]!;
    const step = n > 1 ? Math.round((tt[n - 1]! - t0) / (n - 1)) : 0;
    let maxDev = 0;
    for (let i = 1; i < n; i++) maxDev = Math.max(maxDev, Math.abs(tt[i]! - (t0 + i * step)));
    const tWidth = maxDev === 0 ? 0 : widthOf(maxDev);
    // Values: mantissas at the largest decimal scale of the chunk (a mantissa scaled up by 10^k
    // over 10^(d+k) is the same IEEE quotient, both exact operands) with deltas that fit 32 bits;
    // else the doubles themselves. Staleness markers repeat the previous mantissa.
    let hasFlags = 0;
    let dec = 0;
    let decimal = true;
    for (let i = 0; i < n; i++) {
      hasFlags |= tf[i]!;
      if (isMarker(tf[i]!, td[i]!, tm[i]!)) continue;
      if (td[i] === RAW_DECIMALS) decimal = false;
      else if (td[i]! > dec) dec = td[i]!;
    }
    const scaled = SCALED;
    let m0 = 0;
    let maxDelta = 0;
    if (decimal) {
      let prev = Number.NaN;
      for (let i = 0; i < n; i++) {
        const m = isMarker(tf[i]!, td[i]!, tm[i]!) ? prev : tm[i]! * POW10[dec - td[i]!]!;
        scaled[i] = m;
        if (Number.isNaN(prev)) {
          // Markers before the first value take its mantissa.
          if (Number.isNaN(m)) continue;
          scaled.fill(m, 0, i);
          m0 = m;
        } else maxDelta = Math.max(maxDelta, Math.abs(m - prev));
        if (!Number.isSafeInteger(m)) decimal = false;
        prev = m;
      }
      if (Number.isNaN(prev)) scaled.fill(0, 0, n);
      if (maxDelta > 0x7fffffff) decimal = false;
    }
    const vWidth = !decimal ? RAW : maxDelta === 0 ? 0 : widthOf(maxDelta);
    const tBytes = pad8(tWidth === 0 ? 0 : n * tWidth);
    const vBytes = pad8(vWidth === RAW ? n * 8 : vWidth === 0 ? 0 : (n - 1) * vWidth);
    const size = HEADER_BYTES + tBytes + vBytes + (hasFlags ? pad8(n) : 0);
    const [id, off] = this.slabs.alloc(size);
    const { u8: d, f64, i8, i16, i32 } = this.slabs.get(id);
    d[off] = tWidth;
    d[off + 1] = vWidth;
    d[off + 2] = dec;
    d[off + 3] = hasFlags ? 1 : 0;
    d[off + 4] = n & 0xff;
    d[off + 5] = (n >> 8) & 0xff;
    d[off + 6] = (n >> 16) & 0xff;
    d[off + 7] = 0;
    f64[(off + 8) / 8] = step;
    f64[(off + 16) / 8] = m0;
    let p = off + HEADER_BYTES;
    // One loop per width: each stores to one kind of typed array.
    if (tWidth === RAW) f64.set(tt.subarray(0, n), p / 8);
    else if (tWidth === 1) for (let i = 0; i < n; i++) i8[p + i] = tt[i]! - (t0 + i * step);
    else if (tWidth === 2) for (let i = 0, q = p / 2; i < n; i++) i16[q + i] = tt[i]! - (t0 + i * step);
    else if (tWidth === 4) for (let i = 0, q = p / 4; i < n; i++) i32[q + i] = tt[i]! - (t0 + i * step);
    p += tBytes;
    if (vWidth === RAW) {
      const out = f64.subarray(p / 8, p / 8 + n);
      for (let i = 0; i < n; i++) out[i] = td[i] === RAW_DECIMALS ? tm[i]! : tm[i]! / POW10[td[i]!]!;
    } else if (vWidth === 1) for (let i = 1, q = p - 1; i < n; i++) i8[q + i] = scaled[i]! - scaled[i - 1]!;
    else if (vWidth === 2) for (let i = 1, q = p / 2 - 1; i < n; i++) i16[q + i] = scaled[i]! - scaled[i - 1]!;
    else if (vWidth === 4) for (let i = 1, q = p / 4 - 1; i < n; i++) i32[q + i] = scaled[i]! - scaled[i - 1]!;
    p += vBytes;
    if (hasFlags) d.set(tf.subarray(0, n), p);
    this.index.push(t0, tt[n - 1]!, id, off, size);
    this.chunks++;
    this.sealedBytes += size;
    this.tn = 0;
  }

  /** Every sample as tail columns (for a rebuild); the decimal form is found again as ingest finds it. */
  private raw(): { t: Float64Array; m: Float64Array; d: Uint8Array; f: Uint8Array; n: number } {
    const all = this.read(-Infinity, Infinity);
    const n = all?.timestamps.length ?? 0;
    const m = new Float64Array(n);
    const d = new Uint8Array(n);
    let hint = 0;
    for (let i = 0; i < n; i++) {
      const v = all!.values[i]!;
      d[i] = decimalsOf(v, hint);
      if (d[i] === RAW_DECIMALS) m[i] = v;
      else {
        hint = d[i]!;
        m[i] = Math.round(v * POW10[hint]!);
      }
    }
    return { t: all?.timestamps ?? new Float64Array(0), m, d, f: all?.flags ?? new Uint8Array(0), n };
  }

  private reset(): void {
    this.freeChunks(0, this.chunks);
    this.index = [];
    this.chunks = 0;
    if (this.tailSlot >= 0) this.tails.free(this.tailSlot);
    this.tailSlot = -1;
    this.tail = NO_TAIL;
    this.mi = this.ti = this.fi = 0;
    this.tn = 0;
    this.last = -Infinity;
  }
}

/**
 * Decodes open-tail samples (three numbers each: time, mantissa or raw value, decimals·256 +
 * flags) from `tail` [from, to) into the arrays at `at`.
 */
export function decodeTail(tail: Float64Array, from: number, to: number, t: Float64Array, v: Float64Array, f: Uint8Array, at: number): void {
  for (let k = from; k < to; k += TAIL_FIELDS, at++) {
    t[at] = tail[k]!;
    const df = tail[k + 2]!;
    const d = df >> 8;
    v[at] = d === RAW_DECIMALS ? tail[k + 1]! : tail[k + 1]! / POW10[d]!;
    f[at] = df & 0xff;
  }
}

/** Whether a time is an offset an open tail holds (32-bit whole milliseconds). */
function fitsOffset(dt: number): boolean {
  return dt <= 0x7fffffff && Number.isInteger(dt);
}

/** Samples in the sealed chunk at `off`. */
export function chunkSamples(d: Uint8Array, off: number): number {
  return d[off + 4]! | (d[off + 5]! << 8) | (d[off + 6]! << 16);
}

/**
 * Decodes the sealed chunk at `off` of a slab (first sample at `t0`) into the arrays at `at`;
 * returns the next position. Also what query worker threads decode shared chunks with.
 */
export function decodeChunk(slab: Pick<Slab, 'u8' | 'i8' | 'i16' | 'i32' | 'f64'>, off: number, t0: number, t: Float64Array, v: Float64Array, f: Uint8Array, at: number): number {
  const { u8: d, f64, i8, i16, i32 } = slab;
  const tWidth = d[off]!;
  const vWidth = d[off + 1]!;
  const dec = d[off + 2]!;
  const hasFlags = d[off + 3]!;
  const n = chunkSamples(d, off);
  const step = f64[(off + 8) / 8]!;
  let p = off + HEADER_BYTES;
  if (tWidth === RAW) t.set(f64.subarray(p / 8, p / 8 + n), at);
  else if (tWidth === 0) for (let i = 0, x = t0; i < n; i++, x += step) t[at + i] = x;
  else if (tWidth === 1) for (let i = 0, q = p; i < n; i++) t[at + i] = t0 + i * step + i8[q + i]!;
  else if (tWidth === 2) for (let i = 0, q = p / 2; i < n; i++) t[at + i] = t0 + i * step + i16[q + i]!;
  else for (let i = 0, q = p / 4; i < n; i++) t[at + i] = t0 + i * step + i32[q + i]!;
  p = pad8(p + (tWidth === 0 ? 0 : n * tWidth));
  if (vWidth === RAW) {
    v.set(f64.subarray(p / 8, p / 8 + n), at);
    p += n * 8;
  } else {
    const pow = POW10[dec]!;
    let m = f64[(off + 16) / 8]!;
    v[at] = m / pow;
    if (vWidth === 0) v.fill(m / pow, at, at + n);
    else if (vWidth === 1) for (let i = 1, q = p - 1; i < n; i++) v[at + i] = (m += i8[q + i]!) / pow;
    else if (vWidth === 2) for (let i = 1, q = p / 2 - 1; i < n; i++) v[at + i] = (m += i16[q + i]!) / pow;
    else for (let i = 1, q = p / 4 - 1; i < n; i++) v[at + i] = (m += i32[q + i]!) / pow;
    p = pad8(p + (vWidth === 0 ? 0 : (n - 1) * vWidth));
  }
  if (hasFlags) {
    f.set(d.subarray(p, p + n), at);
    if (vWidth !== RAW) for (let i = 0; i < n; i++) if (f[at + i]! & STALE_FLAG) v[at + i] = Number.NaN;
  } else f.fill(0, at, at + n);
  return at + n;
}

/** A staleness marker: flagged, stored as raw NaN bits. */
function isMarker(f: number, d: number, m: number): boolean {
  return (f & STALE_FLAG) !== 0 && d === RAW_DECIMALS && Number.isNaN(m);
}

/** Narrowest signed width (1, 2, 4 bytes) holding ±x, or RAW. */
function widthOf(x: number): number {
  return x <= 0x7f ? 1 : x <= 0x7fff ? 2 : x <= 0x7fffffff ? 4 : RAW;
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** The samples of `t`/`v`/`f` with `start <= t <= end` (times sorted), as views; undefined when none. */
export function trim(t: Float64Array, v: Float64Array, f: Uint8Array, start: number, end: number): SampleArrays | undefined {
  const total = t.length;
  let a = 0;
  while (a < total && t[a]! < start) a++;
  let b = total;
  while (b > a && t[b - 1]! > end) b--;
  if (a === b) return undefined;
  return a === 0 && b === total ? { timestamps: t, values: v, flags: f } : { timestamps: t.subarray(a, b), values: v.subarray(a, b), flags: f.subarray(a, b) };
}
