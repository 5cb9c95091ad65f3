import type { ReactElement } from 'react';
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
  const bar = (
    <div className="tabs page-tabs" role="tablist">
      {tabs.map((t) => <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => { select(t.id); }}>{t.title}</button>)}
    </div>
  );
  return { tab, bar };
}
