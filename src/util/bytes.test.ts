import { describe, expect, it } from 'vitest';
import { parseBytes, parseMemory } from './bytes.js';

describe('parseBytes / parseMemory', () => {
  it('reads sizes with units', () => {
    expect(parseBytes('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseBytes('1GB')).toBe(1e9);
    expect(parseBytes(4096)).toBe(4096);
    expect(() => parseBytes('lots')).toThrow('not a valid size: "lots"');
  });

  it('reads a share of physical memory', () => {
    expect(parseMemory('25%', 8 * 2 ** 30)).toBe(2 * 2 ** 30);
    expect(parseMemory(' 12.5 % ', 2 ** 30)).toBe(2 ** 27);
    expect(parseMemory('2GiB', 1)).toBe(2 * 2 ** 30);
    expect(() => parseMemory('0%', 2 ** 30)).toThrow('not a valid share of memory');
    expect(() => parseMemory('150%', 2 ** 30)).toThrow('not a valid share of memory');
  });
});
