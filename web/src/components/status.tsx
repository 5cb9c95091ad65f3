import type { ReactNode } from 'react';

/** An API error as the user sees it: the server's message, never a blank page. */
export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <strong>Error:</strong> {message}
      {onRetry && <button type="button" className="btn small" onClick={onRetry}>Retry</button>}
    </div>
  );
}

/** What an empty result says, with a hint of what to do next. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Loading() {
  return <div className="loading" aria-busy="true">Loading…</div>;
}
