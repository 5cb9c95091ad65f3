import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { usePageTabs } from './page-tabs';

afterEach(cleanup);

function Page() {
  const { tab, bar } = usePageTabs([{ id: 'one', title: 'One' }, { id: 'two', title: 'Two' }, { id: 'three', title: 'Three' }]);
  return <>{bar}<p>showing {tab}</p></>;
}

describe('page tabs', () => {
  it('keeps the tab in the URL and moves with the arrow keys', () => {
    window.history.replaceState(null, '', '/x');
    render(<Page />);
    expect(screen.getByText('showing one')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Three' }));
    expect(window.location.search).toBe('?tab=three');
    fireEvent.keyDown(screen.getByRole('tablist'), { key: 'ArrowRight' });
    expect(screen.getByText('showing one')).toBeTruthy();
    expect(window.location.search).toBe('');
    fireEvent.keyDown(screen.getByRole('tablist'), { key: 'ArrowLeft' });
    expect(screen.getByText('showing three')).toBeTruthy();
    expect(document.activeElement?.textContent).toBe('Three');
    expect(screen.getByRole('tab', { name: 'One' }).tabIndex).toBe(-1);
  });
});
