import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.js';

/** Reads back what `string` wrote: a varint length, then UTF-8 bytes. */
function readStrings(b: Buffer): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < b.length) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const byte = b[pos++]!;
      len += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    out.push(b.toString('utf8', pos, pos + len));
    pos += len;
  }
  return out;
}

describe('ByteWriter strings', () => {
  it('writes ASCII, non-ASCII and long strings as length-prefixed UTF-8, growing as it goes', () => {
    const strings = ['', 'a', 'service.name', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(300), 'café', 'naïve'.repeat(40), '日本語', '\u{1F600} ok', `${'a'.repeat(126)}é`];
    const w = new ByteWriter(4);
    for (const s of strings) w.string(s);
    const b = w.finish();
    expect(readStrings(b)).toEqual(strings);
    expect(b.length).toBe(strings.reduce((n, s) => { const len = Buffer.byteLength(s); return n + len + (len < 128 ? 1 : 2); }, 0));
  });
});
