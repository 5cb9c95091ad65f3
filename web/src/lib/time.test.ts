import { describe, expect, it } from 'vitest';
import { autoStep, durationSeconds, formatNanos, formatSeconds, resolveTime } from './time';

describe('time', () => {
  it('parses durations and relative times', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('7d')).toBe(604_800);
    expect(durationSeconds('soon')).toBeNaN();
    expect(resolveTime('now-5m', 1000)).toBe(700);
    expect(() => resolveTime('now-x', 0)).toThrow('not a duration after now-');
  });

  it('picks round steps of about 250 points', () => {
    expect(autoStep(3600)).toBe(15);
    expect(autoStep(86_400)).toBe(600);
    expect(autoStep(10)).toBe(1);
  });

  it('formats durations', () => {
    expect(formatNanos('850000')).toBe('850µs');
    expect(formatNanos(12_340_000)).toBe('12.3ms');
    expect(formatSeconds(86_400)).toBe('1d');
    expect(formatSeconds(3 * 3600 + 20 * 60 + 5)).toBe('3h 20m');
    expect(formatSeconds(45)).toBe('45s');
    expect(formatSeconds(0)).toBe('0s');
  });
});
