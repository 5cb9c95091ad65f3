import type { TimeRange } from '../interface.js';
import { RAW_DECIMALS } from '../value-encoding.js';
import { sampleBlocks, type SampleColumns } from './native-block.js';
import { SeriesChunks, TAIL_SLOT_BYTES, type SampleArrays, type SampleScratch } from './series-chunks.js';
import type { SharedWriter } from './shared-samples.js';
import { Slabs, SlotPool } from './slabs.js';

const TWO_32 = 4294967296;
/** Eviction frees down to this share of the budget, so it runs once per quarter budget appended. */
const EVICT_TO = 0.75;
/** Appends between two looks for samples past the retention. */
const EXPIRE_EVERY = 64;
/** Write tokens remembered, so that a retried write is not appended twice. */
const TOKENS_KEPT = 64;

/** A series' samples with what finds it (one object: appending touches as little memory as it can). */
class Entry extends SeriesChunks {
  /** The series that followed this one in the last block: tried before the map. */
  after: Entry | undefined = undefined;
  removed = false;

  constructor(readonly lo: number, readonly hi: number, /** Next entry with the same map key. */ public chain: Entry | undefined, slabs: Slabs, tails: SlotPool) {
    super(slabs, tails);
  }
}

/** A fingerprint (decimal UInt64, as series rows carry it) as low and high 32-bit halves. */
export function fingerprintHalves(fp: string): readonly [lo: number, hi: number] {
  const b = BigInt(fp);
  return [Number(b & 0xffffffffn), Number(b >> 32n)];
}

const keyOf = (lo: number, hi: number) => (lo ^ hi) & 0x3fffffff;

/**
 * An in-process copy of the newest samples, compressed (series-chunks.ts), so that PromQL reads
 * them without a ClickHouse query. Valid only where this process writes every sample (embedded
 * storage): it is fed every samples block after ClickHouse stored it.
 *
 * It answers for a time range only when it holds every stored sample of that range: from the
 * newest time storage held before this process started (`coverFrom`), raised to the cutoff of
 * every eviction. Memory stays under `maxBytes`: past it, the chunks with the oldest newest
 * samples go first.
 */
export class RecentSamples {
  private readonly tenants = new Map<string, Map<number, Entry>>();
  private storedBefore = Infinity;
  private evictedBefore = -Infinity;
  private newest = -Infinity;
  private bytes = 0;
  private series = 0;
  private readonly tokens = new Set<string>();
  private appends = 0;
  private slabs = new Slabs();
  private tails = new SlotPool(TAIL_SLOT_BYTES);

  /**
   * @param maxBytes memory budget
   * @param maxAgeMs samples older than this (the metrics retention) are dropped, as ClickHouse drops them
   */
  constructor(private readonly maxBytes: number, private readonly maxAgeMs = Number.POSITIVE_INFINITY) {}

  /** Storage held no sample at `t` or later when this process started writing (set once, at start). */
  coverFrom(t: number): void {
    this.storedBefore = t;
  }

  /** Whether every stored sample in the range is here. */
  covers(range: TimeRange): boolean {
    return range.start >= Math.max(this.storedBefore, this.evictedBefore);
  }

  get stats(): { bytes: number; series: number; coveredFrom: number } {
    return { bytes: this.bytes, series: this.series, coveredFrom: Math.max(this.storedBefore, this.evictedBefore) };
  }

  /** Adds the samples (Native blocks) that storage has just stored under `token`. */
  append(pieces: readonly Buffer[], token: string): void {
    if (this.tokens.has(token)) return;
    this.tokens.add(token);
    if (this.tokens.size > TOKENS_KEPT) this.tokens.delete(this.tokens.values().next().value!);
    for (const piece of pieces) for (const block of sampleBlocks(piece)) this.appendBlock(block);
    if (this.bytes > this.maxBytes) this.evict();
    // Past the retention, now and then (a look at each series' oldest chunk).
    const expired = Date.now() - this.maxAgeMs;
    if (expired > this.evictedBefore && this.appends++ % EXPIRE_EVERY === 0) this.dropBefore(expired);
  }

  /** The series' samples in the range (in `scratch` when given), or undefined when it has none there. */
  read(tenant: string, lo: number, hi: number, range: TimeRange, scratch?: SampleScratch): SampleArrays | undefined {
    const map = this.tenants.get(tenant);
    return map && find(map, lo, hi)?.read(range.start, range.end, scratch);
  }

  /** Adds series (lo, hi)'s samples in the writer's range to `out` for another thread (none when it has none). */
  share(tenant: string, lo: number, hi: number, out: SharedWriter): void {
    const map = this.tenants.get(tenant);
    if (map) find(map, lo, hi)?.share(out.start, out.end, out);
    out.next();
  }

  private appendBlock(b: SampleColumns): void {
    let tenantIndex = -1;
    let map: Map<number, Entry> = new Map();
    let prev: Entry | undefined;
    const { fp, ts, mantissa, mantissaBits, decimals, flags } = b;
    for (let r = 0; r < b.rows; r++) {
      if (b.tenant[r] !== tenantIndex) {
        tenantIndex = b.tenant[r]!;
        map = this.tenantMap(b.tenants[tenantIndex] ?? '');
        prev = undefined;
      }
      const lo = fp[2 * r]!;
      const hi = fp[2 * r + 1]!;
      let e = prev?.after;
      if (!e || e.lo !== lo || e.hi !== hi || e.removed) {
        e = find(map, lo, hi) ?? this.add(map, lo, hi);
        if (prev) prev.after = e;
      }
      prev = e;
      const t = ts[2 * r]! + (ts[2 * r + 1]! | 0) * TWO_32;
      const d = decimals[r]!;
      const m = d === RAW_DECIMALS ? mantissaBits[r]! : mantissa[2 * r]! + (mantissa[2 * r + 1]! | 0) * TWO_32;
      this.bytes += t > e.lastT ? e.append(t, m, d, flags[r]!) : e.insert(t, m, d, flags[r]!);
      if (t > this.newest) this.newest = t;
    }
  }

  private tenantMap(tenant: string): Map<number, Entry> {
    let map = this.tenants.get(tenant);
    if (!map) {
      map = new Map();
      this.tenants.set(tenant, map);
    }
    return map;
  }

  private add(map: Map<number, Entry>, lo: number, hi: number): Entry {
    const key = keyOf(lo, hi);
    const e = new Entry(lo, hi, map.get(key), this.slabs, this.tails);
    map.set(key, e);
    this.bytes += e.bytes;
    this.series++;
    return e;
  }

  /**
   * Drops the sealed chunks whose newest samples are oldest until a quarter of the budget is
   * free, and stops covering the time before the cutoff. When open tails alone fill the budget
   * (very many series), everything goes and coverage starts after the newest sample.
   */
  private evict(): void {
    const ends: number[] = [];
    const sizes: number[] = [];
    for (const map of this.tenants.values()) {
      for (const head of map.values()) {
        for (let e: Entry | undefined = head; e; e = e.chain) {
          for (const [maxT, bytes] of e.sealedEnds()) {
            ends.push(maxT);
            sizes.push(bytes);
          }
        }
      }
    }
    const order = Array.from(ends.keys()).sort((a, b) => ends[a]! - ends[b]!);
    let excess = this.bytes - this.maxBytes * EVICT_TO;
    let cutoff = -Infinity;
    for (const i of order) {
      if (excess <= 0) break;
      excess -= sizes[i]!;
      cutoff = ends[i]! + 1;
    }
    if (excess > 0) {
      this.tenants.clear();
      this.slabs = new Slabs();
      this.tails = new SlotPool(TAIL_SLOT_BYTES);
      this.bytes = 0;
      this.series = 0;
      this.evictedBefore = Math.max(this.evictedBefore, this.newest + 1);
      return;
    }
    this.dropBefore(cutoff);
  }

  /** Drops every sealed chunk whose newest sample is older than `cutoff`, and stops covering before it. */
  private dropBefore(cutoff: number): void {
    for (const map of this.tenants.values()) {
      for (const [key, head] of [...map]) {
        const kept: Entry[] = [];
        for (let e: Entry | undefined = head; e; e = e.chain) {
          this.bytes += e.dropBefore(cutoff);
          if (e.empty) {
            e.removed = true;
            this.bytes -= e.bytes;
            this.series--;
          } else kept.push(e);
        }
        kept.forEach((e, i) => (e.chain = kept[i + 1]));
        if (kept.length) map.set(key, kept[0]!);
        else map.delete(key);
      }
    }
    this.evictedBefore = Math.max(this.evictedBefore, cutoff);
  }
}

function find(map: Map<number, Entry>, lo: number, hi: number): Entry | undefined {
  let e = map.get(keyOf(lo, hi));
  while (e && (e.lo !== lo || e.hi !== hi)) e = e.chain;
  return e;
}
