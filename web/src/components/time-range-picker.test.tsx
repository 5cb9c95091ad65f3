import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeRangePicker, resolveRange } from './time-range-picker';

afterEach(cleanup);

describe('TimeRangePicker', () => {
  it('applies a quick range in one click', () => {
    const onChange = vi.fn();
    render(<TimeRangePicker value={{ from: 'now-1h', to: 'now' }} onChange={onChange} />);
    fireEvent.click(screen.getByRole('button', { name: /Last 1h/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Last 6h' }));
    expect(onChange).toHaveBeenCalledWith({ from: 'now-6h', to: 'now' });
  });

  it('names a bad time instead of applying it, and refuses a reversed range', () => {
    const onChange = vi.fn();
    render(<TimeRangePicker value={{ from: 'now-1h', to: 'now' }} onChange={onChange} />);
    fireEvent.click(screen.getByRole('button', { name: /Last 1h/ }));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: 'yesterday-ish' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toContain('"yesterday-ish": not a time');
    fireEvent.change(screen.getByLabelText('From'), { target: { value: 'now' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'now-2h' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toContain('"from" must be before "to"');
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-01-02T00:00:00Z' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-01-02T06:00:00Z' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onChange).toHaveBeenCalledWith({ from: '2026-01-02T00:00:00Z', to: '2026-01-02T06:00:00Z' });
  });

  it('resolves relative and absolute times to Unix seconds', () => {
    expect(resolveRange({ from: 'now-90m', to: 'now' }, 10_000)).toEqual({ start: 4600, end: 10_000 });
    expect(resolveRange({ from: '1700000000', to: '2023-11-14T22:13:20Z' }, 0)).toEqual({ start: 1_700_000_000, end: 1_700_000_000 });
  });
});
