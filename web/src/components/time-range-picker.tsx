import { useState } from 'react';
import { QUICK_RANGES, resolveTime } from '../lib/time';

/** A time range as the URL holds it: `from`/`to` are `now`, `now-<duration>`, RFC 3339 or Unix seconds. */
export interface TimeRangeValue { from: string; to: string }

export interface TimeRangePickerProps {
  value: TimeRangeValue;
  onChange: (v: TimeRangeValue) => void;
}

/**
 * Relative ranges in one click (`Last 1h` …) and an absolute/relative from–to form; a bad time
 * is named under the form instead of being applied.
 */
export function TimeRangePicker({ value, onChange }: TimeRangePickerProps) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const [error, setError] = useState('');
  const label = value.to === 'now' && value.from.startsWith('now-') ? `Last ${value.from.slice(4)}` : `${value.from} → ${value.to}`;

  const apply = () => {
    try {
      const now = Date.now() / 1000;
      if (resolveTime(from, now) >= resolveTime(to, now)) throw new Error('"from" must be before "to"');
      setError('');
      setOpen(false);
      onChange({ from, to });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="time-range">
      <button type="button" className="btn" aria-expanded={open} onClick={() => { setFrom(value.from); setTo(value.to); setOpen(!open); }}>
        {label} ▾
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="time range">
          <div className="quick">
            {QUICK_RANGES.map((r) => (
              <button type="button" key={r} className="btn small" onClick={() => { setOpen(false); onChange({ from: `now-${r}`, to: 'now' }); }}>Last {r}</button>
            ))}
          </div>
          <form onSubmit={(e) => { e.preventDefault(); apply(); }}>
            <label>From <input value={from} onChange={(e) => { setFrom(e.target.value); }} /></label>
            <label>To <input value={to} onChange={(e) => { setTo(e.target.value); }} /></label>
            <button type="submit" className="btn primary">Apply</button>
            {error && <p className="error-text" role="alert">{error}</p>}
          </form>
        </div>
      )}
    </div>
  );
}

/** Resolves a range to Unix seconds, or says why it cannot (`error`, with start and end 0). */
export function tryResolveRange(v: TimeRangeValue): { start: number; end: number; error: string | undefined } {
  try {
    return { ...resolveRange(v), error: undefined };
  } catch (err) {
    return { start: 0, end: 0, error: (err as Error).message };
  }
}

/** Resolves a range to Unix seconds; throws with a readable message when a time is bad. */
export function resolveRange(v: TimeRangeValue, nowSeconds = Date.now() / 1000): { start: number; end: number } {
  return { start: resolveTime(v.from, nowSeconds), end: resolveTime(v.to, nowSeconds) };
}
