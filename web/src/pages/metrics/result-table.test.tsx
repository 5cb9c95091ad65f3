import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultTable } from './result-table';

afterEach(cleanup);

describe('ResultTable', () => {
  it('lists an instant vector, one row per series', () => {
    render(<ResultTable data={{ resultType: 'vector', result: [
      { metric: { __name__: 'up', job: 'a' }, value: [1, '1'] },
      { metric: { __name__: 'up', job: 'b' }, value: [1, '0'] },
    ] }} />);
    const rows = screen.getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows).toEqual(['up{job="a"}1', 'up{job="b"}0']);
  });

  it('shows a scalar, and says so when there are no series', () => {
    const { rerender } = render(<ResultTable data={{ resultType: 'scalar', result: [1, '42'] }} />);
    expect(screen.getByRole('row').textContent).toBe('scalar42');
    rerender(<ResultTable data={{ resultType: 'vector', result: [] }} />);
    expect(screen.getByText('No series.')).toBeTruthy();
  });
});
