import { NativeCursor } from '../native-cursor.js';

/** Fixed-width column types this reader copies straight into typed arrays. */
const WIDTH = { UInt8: 1, UInt16: 2, UInt32: 4, Float64: 8 } as const;

export type FixedType = keyof typeof WIDTH;

type ArrayOf<T extends FixedType> = T extends 'UInt8' ? Uint8Array : T extends 'UInt16' ? Uint16Array : T extends 'UInt32' ? Uint32Array : Float64Array;

export type NativeColumns<S extends Record<string, FixedType>> = { [K in keyof S]: ArrayOf<S[K]> };


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
  const c = new NativeCursor(buf, 'Native result');
  while (!c.done) {
    const columnCount = c.varint();
    const rows = c.varint();
    if (columnCount !== names.length) throw new Error(`Native block has ${columnCount} columns, expected ${names.length}`);
    const offsets: number[] = [];
    for (const name of names) {
      const gotName = c.string();
      const gotType = c.string();
      const type = schema[name]!;
      if (gotName !== name || gotType !== type) throw new Error(`Native column ${gotName} ${gotType}, expected ${name} ${type}`);
      offsets.push(c.take(rows * WIDTH[type]));
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
