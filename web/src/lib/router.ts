import { useCallback, useSyncExternalStore } from 'react';

// Client-side routing on the History API: the path picks the page, the query string holds the
// page's state, so every view is a URL that can be shared or reloaded.

const listeners = new Set<() => void>();
const notify = () => { for (const l of listeners) l(); };
window.addEventListener('popstate', notify);

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => { listeners.delete(l); };
}

/** Goes to `url` (path and query); `replace` rewrites the current history entry instead of adding one. */
export function navigate(url: string, replace = false): void {
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
}

/** The current path and query string; re-renders on every navigation. */
export function useLocation(): { path: string; search: string } {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return { path, search };
}

/**
 * Page state kept in the URL's query string: all keys at once. `set` merges the given keys (an
 * empty string removes a key); `push` adds a history entry (for a query the user ran), otherwise
 * the entry is replaced (for edits in progress).
 */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string>, push?: boolean) => void] {
  const { search } = useLocation();
  const set = useCallback((changes: Record<string, string>, push = false) => {
    const q = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') q.delete(k);
      else q.set(k, v);
    }
    const s = q.toString();
    navigate(window.location.pathname + (s ? `?${s}` : ''), !push);
  }, []);
  return [new URLSearchParams(search), set];
}
