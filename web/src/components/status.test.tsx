import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './error-boundary';
import { ErrorBox } from './status';

afterEach(cleanup);

function Broken(): never {
  throw new Error('widget exploded');
}

describe('error states', () => {
  it('shows the server message with a retry button', () => {
    const retry = vi.fn();
    render(<ErrorBox message='parse error at char 5: unclosed "("' onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('parse error at char 5: unclosed "("');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('turns a crashing page into a message instead of a blank screen', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<ErrorBoundary><Broken /></ErrorBoundary>);
    expect(screen.getByRole('alert').textContent).toBe('This page failed: widget exploded');
    spy.mockRestore();
  });
});
