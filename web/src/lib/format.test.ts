import { describe, expect, it } from 'vitest';
import { formatValue, thresholdColor } from './format';

describe('format', () => {
  it('formats values in their unit', () => {
    expect(formatValue(1536, 'bytes')).toBe('1.50 KiB');
    expect(formatValue(0.0123, '%')).toBe('1.23%');
    expect(formatValue(0.25, 's')).toBe('250 ms');
    expect(formatValue(42, 'req/s')).toBe('42.0 req/s');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(Infinity)).toBe('+Inf');
  });

  it('colours a value by the last threshold at or below it', () => {
    const t = [{ value: 0.05, color: 'red' }, { value: 0, color: 'green' }, { value: 0.01, color: 'yellow' }];
    expect(thresholdColor(0.001, t)).toBe('var(--ok)');
    expect(thresholdColor(0.02, t)).toBe('var(--warn)');
    expect(thresholdColor(0.5, t)).toBe('var(--danger)');
    expect(thresholdColor(-1, t)).toBeUndefined();
    expect(thresholdColor(1, [{ value: 0, color: '#123456' }])).toBe('#123456');
  });
});
