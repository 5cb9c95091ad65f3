/** Fixed-width column types this reader copies straight into typed arrays. */
const WIDTH = { UInt8: 1, UInt16: 2, UInt32: 4, Float64: 8 } as const;

export type FixedType = keyof typeof WIDTH;

type ArrayOf<T extends FixedType> = T extends 'UInt8' ? Uint8Array : T extends 'UInt16' ? Uint16Array : T extends 'UInt32' ? Uint32Array : Float64Array;

export type NativeColumns<S extends Record<string, FixedType>> = { [K in keyof S]: ArrayOf<S[K]> };

const truncated = (at: number) => new Error(`Native result is truncated at byte ${at}`);

function allocate(type: FixedType, n: number): Uint8Array | Uint16Array | Uint32Array | Float64Array {
  if (type === 'UInt8') return new Uint8Array(n);
  if (type === 'UInt16') return new Uint16Array(n);
  if (type === 'UInt32') return new Uint32Array(n);
  return new Float64Array(n);
}

/**
 * Reads a ClickHouse `Native` result whose columns are all fixed-width numbers (the shape `schema`
 * names, in order) into one typed array per column, all blocks concatenated. A copy per block
 * column (a memcpy): typed arrays need aligned memory, and the result buffer is not.
 */
export function readNativeColumns<S extends Record<string, FixedType>>(buf: Buffer, schema: S): { rows: number; columns: NativeColumns<S> } {
  const names = Object.keys(schema);
  const blocks: { rows: number; offsets: number[] }[] = [];
  let total = 0;
  let p = 0;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= buf.length) throw truncated(p);
      const b = buf[p++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  const string = (): string => {
    const len = varint();
    if (p + len > buf.length) throw truncated(p);
    const s = buf.toString('latin1', p, p + len);
    p += len;
    return s;
  };
  while (p < buf.length) {
    const columnCount = varint();
    const rows = varint();
    if (columnCount !== names.length) throw new Error(`Native block has ${columnCount} columns, expected ${names.length}`);
    const offsets: number[] = [];
    for (const name of names) {
      const gotName = string();
      const gotType = string();
      const type = schema[name]!;
      if (gotName !== name || gotType !== type) throw new Error(`Native column ${gotName} ${gotType}, expected ${name} ${type}`);
      offsets.push(p);
      p += rows * WIDTH[type];
      if (p > buf.length) throw truncated(buf.length);
    }
    blocks.push({ rows, offsets });
    total += rows;
  }
  const columns = Object.fromEntries(names.map((name, c) => {
    const type = schema[name]!;
    const out = allocate(type, total);
    const bytes = new Uint8Array(out.buffer);
    let at = 0;
    for (const b of blocks) {
      const len = b.rows * WIDTH[type];
      bytes.set(buf.subarray(b.offsets[c], b.offsets[c]! + len), at);
      at += len;
    }
    return [name, out];
  }));
  return { rows: total, columns: columns as NativeColumns<S> };
}
