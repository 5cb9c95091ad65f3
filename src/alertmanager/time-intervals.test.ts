import { describe, expect, it } from 'vitest';
import { anyHolds, parseTimeIntervals } from './time-intervals.js';

const at = (iso: string) => Date.parse(iso);

describe('time intervals', () => {
  const { intervals, errors } = parseTimeIntervals([[
    { name: 'business-hours', time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }], location: 'Europe/Berlin' }] },
    { name: 'weekend', time_intervals: [{ weekdays: ['Saturday', 'sunday'] }] },
    { name: 'month-end', time_intervals: [{ days_of_month: ['-3:-1'] }] },
    { name: 'q1-2026', time_intervals: [{ months: ['january:march'], years: ['2026'] }] },
    { name: 'either', time_intervals: [{ months: ['2'] }, { days_of_month: ['1:2'] }] },
  ]]);

  it('reads Alertmanager time_intervals', () => {
    expect(errors).toEqual([]);
    expect([...intervals.keys()]).toEqual(['business-hours', 'weekend', 'month-end', 'q1-2026', 'either']);
  });

  it('holds by weekday and time of day in the interval location', () => {
    // Monday 30 Nov 2026: 08:30 UTC is 09:30 in Berlin (CET, UTC+1).
    expect(anyHolds(intervals, ['business-hours'], at('2026-11-30T08:30:00Z'))).toBe(true);
    expect(anyHolds(intervals, ['business-hours'], at('2026-11-30T07:59:00Z'))).toBe(false);
    expect(anyHolds(intervals, ['business-hours'], at('2026-11-30T16:00:00Z'))).toBe(false); // 17:00 Berlin: end is exclusive
    expect(anyHolds(intervals, ['business-hours'], at('2026-11-29T10:00:00Z'))).toBe(false); // Sunday
    expect(anyHolds(intervals, ['weekend'], at('2026-11-29T10:00:00Z'))).toBe(true);
  });

  it('counts negative days of the month from its end, per month length', () => {
    expect(anyHolds(intervals, ['month-end'], at('2026-02-26T00:00:00Z'))).toBe(true); // 28-day February
    expect(anyHolds(intervals, ['month-end'], at('2026-02-25T23:59:00Z'))).toBe(false);
    expect(anyHolds(intervals, ['month-end'], at('2026-11-28T12:00:00Z'))).toBe(true);
    expect(anyHolds(intervals, ['month-end'], at('2026-11-27T12:00:00Z'))).toBe(false);
  });

  it('combines fields of an entry with AND and entries with OR', () => {
    expect(anyHolds(intervals, ['q1-2026'], at('2026-03-31T12:00:00Z'))).toBe(true);
    expect(anyHolds(intervals, ['q1-2026'], at('2027-03-31T12:00:00Z'))).toBe(false);
    expect(anyHolds(intervals, ['either'], at('2026-02-15T12:00:00Z'))).toBe(true);
    expect(anyHolds(intervals, ['either'], at('2026-05-02T12:00:00Z'))).toBe(true);
    expect(anyHolds(intervals, ['either'], at('2026-05-03T12:00:00Z'))).toBe(false);
    expect(anyHolds(intervals, ['undefined-name'], at('2026-05-03T12:00:00Z'))).toBe(false);
  });

  it('names what is wrong', () => {
    const bad = parseTimeIntervals([[
      { name: 'x', time_intervals: [{ weekdays: ['funday'] }, { times: [{ start_time: '18:00', end_time: '09:00' }] }, { days_of_month: ['0'] }, { location: 'Mars/Olympus' }, { months: ['march:january'] }] },
      { name: 'x', time_intervals: [] },
    ]]);
    expect(bad.errors).toEqual([
      'time interval "x": time_intervals[0]: weekdays: funday: funday is not one of sunday, monday, tuesday, wednesday, thursday, friday, saturday',
      'time interval "x": time_intervals[1]: start_time 18:00 must be before end_time 09:00',
      'time interval "x": time_intervals[2]: days_of_month: 0: days are 1 to 31 or -31 to -1',
      'time interval "x": time_intervals[3]: unknown location "Mars/Olympus"',
      'time interval "x": time_intervals[4]: months: march:january: start is after end',
      'time interval "x" is defined twice',
    ]);
  });
});
