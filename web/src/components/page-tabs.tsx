import type { KeyboardEvent, ReactElement } from 'react';
import { useUrlState } from '../lib/router';

export interface Tab { id: string; title: string }

/**
 * A page's tabs, kept in the URL as `tab` (the first tab is the default and leaves it out).
 * Switching tabs clears the URL keys in `clear`. Returns the current tab's id and the tab bar.
 */
export function usePageTabs(tabs: readonly Tab[], clear: (keys: string[]) => string[] = () => []): { tab: string; bar: ReactElement } {
  const [url, setUrl] = useUrlState();
  const first = tabs[0]!.id;
  const tab = tabs.find((t) => t.id === url.get('tab'))?.id ?? first;
  const select = (id: string) => {
    const cleared = Object.fromEntries(clear([...url.keys()]).map((k) => [k, '']));
    setUrl({ ...cleared, tab: id === first ? '' : id }, true);
  };
  // Arrow keys move between tabs, as WAI-ARIA's tab pattern has it; only the selected tab is in the Tab order.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === tab);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    select(next.id);
    const buttons = e.currentTarget.querySelectorAll<HTMLButtonElement>('[role="tab"]');
    buttons[tabs.indexOf(next)]?.focus();
  };
  const bar = (
    <div className="tabs page-tabs" role="tablist" onKeyDown={onKeyDown}>
      {tabs.map((t) => <button key={t.id} type="button" role="tab" tabIndex={tab === t.id ? 0 : -1} aria-selected={tab === t.id} onClick={() => { select(t.id); }}>{t.title}</button>)}
    </div>
  );
  return { tab, bar };
}
