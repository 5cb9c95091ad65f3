import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';
import { parseBytes } from './bytes.js';

describe('parseDuration', () => {
  it('parses Prometheus durations', () => {
    expect(parseDuration('15s')).toBe(15_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('0')).toBe(0);
  });
  it('rejects malformed input', () => {
    for (const bad of ['', '1', '15', 'x', '1m1h', '1s1s', '-1s', '1.5s', '15 s']) expect(() => parseDuration(bad)).toThrow();
  });
  it('formats back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(1500)).toBe('1s500ms');
  });
});

describe('parseBytes', () => {
  it('parses units', () => {
    expect(parseBytes('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseBytes('1kb')).toBe(1000);
    expect(parseBytes(12)).toBe(12);
    expect(() => parseBytes('12 parsecs')).toThrow(/not a valid size/);
  });
});
