import { NativeCursor } from '../native-cursor.js';

/**
 * The columns of samples Native blocks (native-samples.ts) as aligned typed arrays, for the
 * in-process copy of recent samples. 64-bit integers stay as pairs of 32-bit halves.
 */
export interface SampleColumns {
  readonly rows: number;
  /** Tenant dictionary and each row's index into it. */
  readonly tenants: readonly string[];
  readonly tenant: Uint8Array | Uint16Array | Uint32Array;
  /** Fingerprint halves: low at 2i, high at 2i+1. */
  readonly fp: Uint32Array;
  /** Time halves (Int64 ms). */
  readonly ts: Uint32Array;
  /** Mantissa halves (Int64), and the same bytes as doubles (for raw values). */
  readonly mantissa: Uint32Array;
  readonly mantissaBits: Float64Array;
  readonly decimals: Uint8Array;
  readonly flags: Uint8Array;
}

const malformed = (why: string) => new Error(`samples block: ${why}`);

/** Column memory, reused block to block (the columns are read before the next block is parsed). */
let scratch = new ArrayBuffer(0);
/** Most bytes a row's columns take in scratch: three 64-bit columns, two bytes, two 4-byte indexes, padding. */
const ROW_SCRATCH = 8 * 3 + 2 + 4 * 2;

/**
 * Every block of a buffer of concatenated samples Native blocks. The columns of a block are
 * views of memory the next block reuses: read them before asking for the next.
 */
export function* sampleBlocks(buf: Buffer): Iterable<SampleColumns> {
  const cur = new NativeCursor(buf, 'samples block');
  let used = 0;
  /** Copies `bytes` bytes to aligned scratch memory; returns their offset there. */
  const aligned = (bytes: number): number => {
    const from = cur.take(bytes);
    const at = used;
    used += (bytes + 7) & ~7;
    if (used > scratch.byteLength) throw malformed('more columns than expected');
    new Uint8Array(scratch, at, bytes).set(buf.subarray(from, from + bytes));
    return at;
  };
  while (!cur.done) {
    const columns = cur.varint();
    const rows = cur.varint();
    const need = (rows * ROW_SCRATCH + 8 * columns + 64);
    if (scratch.byteLength < need) scratch = new ArrayBuffer(need);
    used = 0;
    const got: Partial<Record<string, unknown>> = {};
    let tenants: string[] = [];
    for (let c = 0; c < columns; c++) {
      const name = cur.string();
      const type = cur.string();
      if (type === 'LowCardinality(String)') {
        cur.u64();
        const width = [1, 2, 4][cur.u64() & 0xff];
        if (!width) throw malformed(`unsupported index width in ${name}`);
        const keys = Array.from({ length: cur.u64() }, () => cur.string());
        cur.u64();
        const at = aligned(rows * width);
        if (name === 'tenant') {
          tenants = keys;
          got.tenant = width === 1 ? new Uint8Array(scratch, at, rows) : width === 2 ? new Uint16Array(scratch, at, rows) : new Uint32Array(scratch, at, rows);
        }
      } else if (type === 'String') {
        // A plain String column (a ClickHouse query's answer): the dictionary is built here.
        const index = new Map<string, number>();
        const at = used;
        used += (rows * 4 + 7) & ~7;
        if (used > scratch.byteLength) throw malformed('more columns than expected');
        const idx = new Uint32Array(scratch, at, rows);
        const keys: string[] = [];
        for (let r = 0; r < rows; r++) {
          const v = cur.string();
          let k = index.get(v);
          if (k === undefined) {
            k = keys.push(v) - 1;
            index.set(v, k);
          }
          idx[r] = k;
        }
        if (name === 'tenant') {
          tenants = keys;
          got.tenant = idx;
        }
      } else if (type === 'UInt64' || type === 'Int64') {
        const at = aligned(rows * 8);
        got[name] = new Uint32Array(scratch, at, rows * 2);
        if (name === 'mantissa') got.mantissaBits = new Float64Array(scratch, at, rows);
      } else if (type === 'UInt8') got[name] = new Uint8Array(scratch, aligned(rows), rows);
      else throw malformed(`unexpected column ${name} ${type}`);
    }
    for (const n of ['tenant', 'fingerprint', 'unix_milli', 'mantissa', 'decimals', 'flags']) if (!got[n]) throw malformed(`no ${n} column`);
    yield {
      rows, tenants,
      tenant: got.tenant as SampleColumns['tenant'],
      fp: got.fingerprint as Uint32Array,
      ts: got.unix_milli as Uint32Array,
      mantissa: got.mantissa as Uint32Array,
      mantissaBits: got.mantissaBits as Float64Array,
      decimals: got.decimals as Uint8Array,
      flags: got.flags as Uint8Array,
    };
  }
}
