import { endianness } from 'node:os';
import { ByteWriter } from './byte-writer.js';
import { POW10, RAW_DECIMALS } from './value-encoding.js';

/**
 * Sample rows as one ClickHouse Native block (columnar): the engine copies the columns instead
 * of parsing rows, and the WAL record holds about half the bytes of the same rows in RowBinary.
 * Blocks concatenate into a valid Native stream, so a batch insert is the WAL records' bytes.
 *
 * Block layout: varint column count, varint row count, then per column its name and type
 * (varint-length strings) and its data: fixed-width columns as little-endian arrays;
 * LowCardinality(String) as UInt64 serialization version (1), UInt64 index type with the
 * "has additional keys" and "needs dictionary update" bits, UInt64 key count, the keys
 * (key 0 is the default value ''), UInt64 row count, and one index per row.
 */
export const SAMPLES_NATIVE_COLUMNS = [
  ['tenant', 'LowCardinality(String)'],
  ['metric_name', 'LowCardinality(String)'],
  ['fingerprint', 'UInt64'],
  ['unix_milli', 'Int64'],
  ['mantissa', 'Int64'],
  ['decimals', 'UInt8'],
  ['flags', 'UInt8'],
] as const;

if (endianness() !== 'LE') throw new Error('allseer writes storage blocks from typed arrays and needs a little-endian CPU');

const TWO_32 = 4294967296;
const LC_VERSION = 1;
/** HasAdditionalKeysBit (1 << 9) | NeedUpdateDictionary (1 << 10); the low byte is the index width. */
const LC_FLAGS = 0x600;

/** A series' places in the dictionaries of the block being built (cached on the series). */
export interface NameSlot {
  block: number;
  name: number;
  tenant: number;
}

/** What the builder needs of a series. */
export interface SampleSeries {
  readonly tenant: string;
  readonly metricName: string;
  /** Fingerprint as two unsigned 32-bit halves. */
  readonly fpLo: number;
  readonly fpHi: number;
  readonly nameSlot: NameSlot;
}

let nextBlockId = 1;

/** Bytes per row of the column buffers: fingerprint, time, mantissa, two indexes, decimals, flags. */
const ROW_BYTES = 8 + 8 + 8 + 4 + 4 + 1 + 1;
/** Column memory of a finished block, reused by the next one on this thread (up to this size). */
const SPARE_MAX_BYTES = 16 << 20;
let spare: ArrayBuffer | undefined;

/**
 * Column buffers of one block, all views on one ArrayBuffer; grows by doubling. Not thread-safe;
 * one per request. `finish` ends it: its memory goes to the next block built on this thread.
 */
export class NativeSamples {
  private readonly id = nextBlockId++;
  private cap = 0;
  private n = 0;
  private finished: Buffer | undefined;
  private readonly names = new Dictionary();
  private readonly tenants = new Dictionary();
  private mem = new ArrayBuffer(0);
  private fp = new Uint32Array(0);
  private ts = new Uint32Array(0);
  private man = new Uint32Array(0);
  private manF = new Float64Array(0);
  private nameIdx = new Uint32Array(0);
  private tenantIdx = new Uint32Array(0);
  private dec = new Uint8Array(0);
  private flags = new Uint8Array(0);

  constructor(expectedRows = 1024) {
    const want = Math.max(16, expectedRows) * ROW_BYTES;
    if (spare && spare.byteLength >= want) {
      this.layout(spare);
      spare = undefined;
    } else this.layout(new ArrayBuffer(want));
  }

  /** Points the column views at `mem` (capacity from its size). */
  private layout(mem: ArrayBuffer): void {
    const c = Math.floor(mem.byteLength / ROW_BYTES);
    this.mem = mem;
    this.cap = c;
    this.fp = new Uint32Array(mem, 0, 2 * c);
    this.ts = new Uint32Array(mem, 8 * c, 2 * c);
    this.man = new Uint32Array(mem, 16 * c, 2 * c);
    this.manF = new Float64Array(mem, 16 * c, c);
    this.nameIdx = new Uint32Array(mem, 24 * c, c);
    this.tenantIdx = new Uint32Array(mem, 28 * c, c);
    this.dec = new Uint8Array(mem, 32 * c, c);
    this.flags = new Uint8Array(mem, 33 * c, c);
  }

  get rows(): number {
    return this.n;
  }

  /** Adds one row; `decimals` as in value-encoding.ts, `flags` a bit set (STALE_FLAG). */
  add(s: SampleSeries, tsMs: number, value: number, decimals: number, flags: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    const slot = s.nameSlot;
    if (slot.block !== this.id) {
      slot.block = this.id;
      slot.name = this.names.index(s.metricName);
      slot.tenant = this.tenants.index(s.tenant);
    }
    this.nameIdx[i] = slot.name;
    this.tenantIdx[i] = slot.tenant;
    const j = i * 2;
    this.fp[j] = s.fpLo;
    this.fp[j + 1] = s.fpHi;
    this.ts[j] = tsMs % TWO_32;
    this.ts[j + 1] = Math.floor(tsMs / TWO_32);
    if (decimals === RAW_DECIMALS) this.manF[i] = value;
    else {
      const m = Math.round(value * POW10[decimals]!);
      this.man[j] = m % TWO_32;
      this.man[j + 1] = Math.floor(m / TWO_32);
    }
    this.dec[i] = decimals;
    this.flags[i] = flags;
  }

  private grow(): void {
    if (this.finished) throw new Error('sample added to a finished block');
    const old = { fp: this.fp, ts: this.ts, man: this.man, nameIdx: this.nameIdx, tenantIdx: this.tenantIdx, dec: this.dec, flags: this.flags };
    this.layout(new ArrayBuffer(this.cap * 2 * ROW_BYTES));
    this.fp.set(old.fp);
    this.ts.set(old.ts);
    this.man.set(old.man);
    this.nameIdx.set(old.nameIdx);
    this.tenantIdx.set(old.tenantIdx);
    this.dec.set(old.dec);
    this.flags.set(old.flags);
  }

  /** The Native block (empty when there are no rows). Unpooled: it may move to another thread. */
  finish(): Buffer {
    if (this.finished) return this.finished;
    this.finished = this.encode();
    // Later adds must fail (grow() checks), and the memory now belongs to the next block.
    this.cap = this.n;
    if (this.mem.byteLength <= SPARE_MAX_BYTES && (!spare || spare.byteLength < this.mem.byteLength)) spare = this.mem;
    return this.finished;
  }

  private encode(): Buffer {
    const n = this.n;
    if (n === 0) return Buffer.alloc(0);
    let size = 20 + n * (this.tenants.width + this.names.width + 26);
    for (const [name, type] of SAMPLES_NATIVE_COLUMNS) size += name.length + type.length + 4;
    size += this.tenants.bytes + this.names.bytes;
    const w = new ByteWriter(size);
    w.varint(SAMPLES_NATIVE_COLUMNS.length);
    w.varint(n);
    const [tenantCol, nameCol, fpCol, tsCol, manCol, decCol, flagsCol] = SAMPLES_NATIVE_COLUMNS;
    const column = ([name, type]: readonly [string, string]) => {
      w.string(name);
      w.string(type);
    };
    column(tenantCol);
    lowCardinality(w, this.tenants, this.tenantIdx, n);
    column(nameCol);
    lowCardinality(w, this.names, this.nameIdx, n);
    column(fpCol);
    w.array(this.fp, n * 8);
    column(tsCol);
    w.array(this.ts, n * 8);
    column(manCol);
    w.array(this.man, n * 8);
    column(decCol);
    w.array(this.dec, n);
    column(flagsCol);
    w.array(this.flags, n);
    return w.finish();
  }
}

/** The keys of one LowCardinality column; key 0 is the default value ''. */
class Dictionary {
  readonly keys: string[] = [''];
  private readonly indexOf = new Map<string, number>();
  /** Bytes the keys take serialized, plus the column's fixed prefix. */
  bytes = 40 + 1;

  index(key: string): number {
    let i = this.indexOf.get(key);
    if (i === undefined) {
      i = this.keys.push(key) - 1;
      this.indexOf.set(key, i);
      this.bytes += Buffer.byteLength(key) + 5;
    }
    return i;
  }

  /** Bytes per row index. */
  get width(): 1 | 2 | 4 {
    return this.keys.length <= 256 ? 1 : this.keys.length <= 65_536 ? 2 : 4;
  }
}

/** A LowCardinality(String) column's data: prefix, dictionary, row count, indexes. */
function lowCardinality(w: ByteWriter, dict: Dictionary, idx: Uint32Array, rows: number): void {
  const width = dict.width;
  w.uint64(LC_VERSION);
  w.uint64(LC_FLAGS | (width === 1 ? 0 : width === 2 ? 1 : 2));
  w.uint64(dict.keys.length);
  for (const k of dict.keys) w.string(k);
  w.uint64(rows);
  if (width === 4) w.array(idx, rows * 4);
  else {
    const narrow = width === 1 ? Uint8Array.from(idx.subarray(0, rows)) : Uint16Array.from(idx.subarray(0, rows));
    w.array(narrow, narrow.byteLength);
  }
}
