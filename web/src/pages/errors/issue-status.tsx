import { useState } from 'react';
import { apiFetch } from '../../api/fetch';
import type { IssueStatus, IssueSummary } from '../../api/types';

/** The path of an issue's API (and page) below `/api/v1/errors/issues` or `/errors`. */
export function issuePath(i: Pick<IssueSummary, 'project' | 'fingerprint'>): string {
  return `${encodeURIComponent(i.project)}/${encodeURIComponent(i.fingerprint)}`;
}

/** Resolve / Ignore / Unresolve buttons for an issue; reports the new status once the server has it. */
export function StatusActions({ issue, onChange }: { issue: IssueSummary; onChange: (s: IssueStatus) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const set = (status: IssueStatus) => {
    setBusy(true);
    apiFetch(`/api/v1/errors/issues/${issuePath(issue)}/status`, { method: 'POST', body: { status, release: issue.releases[0] ?? '' } }).then(
      () => { setError(undefined); onChange(status); },
      (err: unknown) => { setError((err as Error).message); },
    ).finally(() => { setBusy(false); });
  };
  return (
    <span className="status-actions">
      {issue.status !== 'resolved' && <button type="button" className="btn small" disabled={busy} onClick={() => { set('resolved'); }}>Resolve</button>}
      {issue.status !== 'ignored' && <button type="button" className="btn small" disabled={busy} onClick={() => { set('ignored'); }}>Ignore</button>}
      {issue.status !== 'unresolved' && <button type="button" className="btn small" disabled={busy} onClick={() => { set('unresolved'); }}>Unresolve</button>}
      {error && <span className="error-text" role="alert">{error}</span>}
    </span>
  );
}

/** A coloured level badge (`fatal`, `critical`, `error`, `warning`, `info`, `debug`). */
export function LevelBadge({ level }: { level: string }) {
  const bad = ['fatal', 'critical', 'error'].includes(level);
  return <span className={`badge${bad ? ' err' : ''}`}>{level || 'error'}</span>;
}
