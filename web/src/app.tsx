import { lazy, Suspense, useEffect, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { ErrorBoundary } from './components/error-boundary';
import { Loading } from './components/status';
import { navigate, useLocation } from './lib/router';

interface PageEntry { path: string; title: string; page: LazyExoticComponent<ComponentType> }

/** The pages, each its own chunk (loaded when first opened). */
const PAGES: PageEntry[] = [
  { path: '/dashboards', title: 'Dashboards', page: lazy(() => import('./pages/dashboards/dashboards-page')) },
  { path: '/explore', title: 'Explore', page: lazy(() => import('./pages/metrics/explore-page')) },
  { path: '/logs', title: 'Logs', page: lazy(() => import('./pages/logs/logs-page')) },
  { path: '/traces', title: 'Traces', page: lazy(() => import('./pages/traces/traces-page')) },
  { path: '/errors', title: 'Errors', page: lazy(() => import('./pages/errors/errors-page')) },
  { path: '/analytics', title: 'Analytics', page: lazy(() => import('./pages/analytics/analytics-page')) },
  { path: '/alerts', title: 'Alerts', page: lazy(() => import('./pages/alerts/alerts-page')) },
];

type Theme = 'dark' | 'light';

function initialTheme(): Theme {
  const saved = localStorage.getItem('theme');
  if (saved === 'dark' || saved === 'light') return saved;
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The shell: navigation, theme switch, and the page the path names. */
export function App() {
  const { path } = useLocation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('theme', theme);
  }, [theme]);
  useEffect(() => { if (path === '/') navigate('/dashboards/system-overview', true); }, [path]);

  const entry = PAGES.find((p) => path === p.path || path.startsWith(`${p.path}/`));
  const Page = entry?.page;
  return (
    <div className="shell">
      <nav className="nav" aria-label="main">
        <a className="brand" href="/explore" onClick={(e) => { e.preventDefault(); navigate('/explore'); }}>allseer</a>
        {PAGES.map((p) => (
          <a key={p.path} href={p.path} aria-current={entry === p ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(p.path); }}>{p.title}</a>
        ))}
        <button type="button" className="btn small theme" onClick={() => { setTheme(theme === 'dark' ? 'light' : 'dark'); }} aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </nav>
      <main>
        <ErrorBoundary key={entry?.path ?? path}>
          <Suspense fallback={<Loading />}>
            {Page ? <Page /> : path !== '/' && <p className="empty">No page at {path}.</p>}
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
