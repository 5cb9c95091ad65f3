/**
 * Alertmanager's named time intervals (`time_intervals`, and the older `mute_time_intervals`)
 * that routes refer to in `mute_time_intervals` and `active_time_intervals`. An interval holds
 * when any of its entries does; an entry holds when each of its fields that is set does (times of
 * day, weekdays, days of the month (negative: from the month's end), months, years), in its
 * `location` (an IANA time zone, UTC by default).
 */
export interface TimeIntervalEntry {
  /** [start, end) in minutes of the day. */
  times: [number, number][];
  /** Inclusive ranges; weekdays 0 = Sunday, months 1–12, days of month ±1–31. */
  weekdays: [number, number][];
  daysOfMonth: [number, number][];
  months: [number, number][];
  years: [number, number][];
  location: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Reads the named intervals of a configuration's `time_intervals` / `mute_time_intervals` lists. */
export function parseTimeIntervals(lists: readonly unknown[]): { intervals: Map<string, TimeIntervalEntry[]>; errors: string[] } {
  const intervals = new Map<string, TimeIntervalEntry[]>();
  const errors: string[] = [];
  for (const list of lists) {
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      errors.push('time_intervals must be a list');
      continue;
    }
    for (const item of list as unknown[]) {
      const { name, time_intervals: entries } = (item ?? {}) as { name?: unknown; time_intervals?: unknown };
      if (typeof name !== 'string' || name === '') {
        errors.push('a time interval needs a name');
        continue;
      }
      if (intervals.has(name)) errors.push(`time interval "${name}" is defined twice`);
      const parsed: TimeIntervalEntry[] = [];
      for (const [i, e] of (Array.isArray(entries) ? entries as unknown[] : []).entries()) {
        try {
          parsed.push(parseEntry((e ?? {}) as Record<string, unknown>));
        } catch (err) {
          errors.push(`time interval "${name}": time_intervals[${i}]: ${(err as Error).message}`);
        }
      }
      intervals.set(name, parsed);
    }
  }
  return { intervals, errors };
}

function parseEntry(e: Record<string, unknown>): TimeIntervalEntry {
  const list = (key: string): string[] => {
    const v = e[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new Error(`${key} must be a list`);
    return v.map(String);
  };
  const location = typeof e.location === 'string' ? e.location : 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: location });
  } catch {
    throw new Error(`unknown location "${location}"`);
  }
  const times = ((e.times ?? []) as { start_time?: unknown; end_time?: unknown }[]).map((t): [number, number] => {
    const [start, end] = [clock(t.start_time, 'start_time'), clock(t.end_time, 'end_time')];
    if (start >= end) throw new Error(`start_time ${String(t.start_time)} must be before end_time ${String(t.end_time)}`);
    return [start, end];
  });
  return {
    times,
    weekdays: list('weekdays').map((r) => range(r, 'weekdays', (x) => named(x, WEEKDAYS, 0))),
    daysOfMonth: list('days_of_month').map((r) => {
      const [a, b] = range(r, 'days_of_month', (x) => number(x, -31, 31), false);
      if (a === 0 || b === 0) throw new Error(`days_of_month: ${r}: days are 1 to 31 or -31 to -1`);
      if (Math.sign(a) === Math.sign(b) && a > b) throw new Error(`days_of_month: ${r}: start is after end`);
      return [a, b];
    }),
    months: list('months').map((r) => range(r, 'months', (x) => (/^\d+$/.test(x) ? number(x, 1, 12) : named(x, MONTHS, 1)))),
    years: list('years').map((r) => range(r, 'years', (x) => number(x, 1, 9999))),
    location,
  };
}

function clock(v: unknown, key: string): number {
  const m = typeof v === 'string' ? /^(\d{2}):(\d{2})$/.exec(v) : null;
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new Error(`${key}: ${JSON.stringify(v)} is not a time of day HH:MM (00:00 to 24:00)`);
  return minutes;
}

function number(x: string, min: number, max: number): number {
  const n = Number(x);
  if (!/^-?\d+$/.test(x) || n < min || n > max) throw new Error(`${x} is not a number from ${min} to ${max}`);
  return n;
}

function named(x: string, names: readonly string[], first: number): number {
  const i = names.indexOf(x.toLowerCase());
  if (i < 0) throw new Error(`${x} is not one of ${names.join(', ')}`);
  return i + first;
}

function range(r: string, key: string, one: (x: string) => number, ordered = true): [number, number] {
  const parts = r.trim().split(':');
  try {
    if (parts.length > 2) throw new Error('a range is start:end');
    const a = one(parts[0]!.trim());
    const b = parts.length === 2 ? one(parts[1]!.trim()) : a;
    if (ordered && a > b) throw new Error('start is after end');
    return [a, b];
  } catch (err) {
    throw new Error(`${key}: ${r}: ${(err as Error).message}`);
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `t` (ms) in time zone `location`. */
function wallClock(t: number, location: string): { year: number; month: number; day: number; weekday: number; minute: number } {
  let f = formats.get(location);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: location, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'long' });
    formats.set(location, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), weekday: WEEKDAYS.indexOf((p.weekday ?? '').toLowerCase()), minute: Number(p.hour) * 60 + Number(p.minute) };
}

/** Whether the entry holds at `t` (ms). */
export function entryHolds(e: TimeIntervalEntry, t: number): boolean {
  const w = wallClock(t, e.location);
  const within = (ranges: readonly [number, number][], v: number) => ranges.length === 0 || ranges.some(([a, b]) => v >= a && v <= b);
  if (e.times.length > 0 && !e.times.some(([a, b]) => w.minute >= a && w.minute < b)) return false;
  if (!within(e.weekdays, w.weekday) || !within(e.months, w.month) || !within(e.years, w.year)) return false;
  if (e.daysOfMonth.length > 0) {
    const days = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
    const abs = (d: number) => (d > 0 ? d : days + d + 1);
    if (!e.daysOfMonth.some(([a, b]) => w.day >= Math.max(1, abs(a)) && w.day <= Math.min(days, abs(b)))) return false;
  }
  return true;
}

/** Whether any of the named intervals holds at `t`; names not defined never hold. */
export function anyHolds(intervals: ReadonlyMap<string, readonly TimeIntervalEntry[]>, names: readonly string[], t: number): boolean {
  return names.some((n) => (intervals.get(n) ?? []).some((e) => entryHolds(e, t)));
}
