import { useState } from 'react';
import { useApi } from '../../api/fetch';
import type { IssueSummary } from '../../api/types';
import { fillBuckets, Sparkline } from '../../components/sparkline';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { download, toCsv } from '../../lib/export';
import { ago } from '../../lib/relative-time';
import { navigate, useUrlState } from '../../lib/router';
import { LevelBadge, StatusActions, issuePath } from './issue-status';

const HOUR = 3_600_000;

/** Events per hour over the last 24 hours of one issue. */
function IssueSparkline({ issue }: { issue: IssueSummary }) {
  const [end] = useState(() => Date.now());
  const h = useApi<{ time: number; count: number }[]>(`/api/v1/errors/issues/${issuePath(issue)}/histogram`, { start: (end - 24 * HOUR) / 1000, end: end / 1000, step: '1h' });
  return h.data ? <Sparkline values={fillBuckets(h.data, HOUR, end, 24)} label="events per hour, last 24 hours" /> : <span className="sparkline" style={{ width: 120, height: 28 }} />;
}

/**
 * Error issues: filter by status, level, environment and text, sort by last seen, events, users
 * or first seen; each row with its counts, a 24-hour sparkline and status actions.
 */
export function IssueList() {
  const [url, setUrl] = useUrlState();
  const f = { status: url.get('status') ?? 'unresolved', level: url.get('level') ?? '', environment: url.get('environment') ?? '', q: url.get('q') ?? '', sort: url.get('sort') ?? 'last_seen', range: url.get('range') ?? '14d' };
  const [draft, setDraft] = useState(f.q);
  const [end] = useState(() => Math.floor(Date.now() / 1000));
  const days = Number(/^(\d+)d$/.exec(f.range)?.[1] ?? 14);
  const issues = useApi<IssueSummary[]>('/api/v1/errors/issues', {
    status: f.status === 'all' ? '' : f.status, level: f.level, environment: f.environment, q: f.q, sort: f.sort, limit: 50,
    start: end - days * 86_400, end,
  });
  const [changed, setChanged] = useState<Record<string, string>>({});

  return (
    <section className="page errors">
      <h1>Errors</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setUrl({ q: draft.trim() }, true); }}>
        <input className="terms" aria-label="search issues" placeholder="Search title, culprit, message" value={draft} onChange={(e) => { setDraft(e.target.value); }} />
        <select aria-label="status" value={f.status} onChange={(e) => { setUrl({ status: e.target.value === 'unresolved' ? '' : e.target.value }, true); }}>
          <option value="unresolved">Unresolved</option>
          <option value="resolved">Resolved</option>
          <option value="ignored">Ignored</option>
          <option value="all">All</option>
        </select>
        <select aria-label="level" value={f.level} onChange={(e) => { setUrl({ level: e.target.value }, true); }}>
          <option value="">All levels</option>
          {['fatal', 'critical', 'error', 'warning', 'info', 'debug'].map((l) => <option key={l}>{l}</option>)}
        </select>
        <input aria-label="environment" placeholder="environment" size={12} defaultValue={f.environment} onBlur={(e) => { setUrl({ environment: e.target.value.trim() }, true); }} />
        <select aria-label="sort" value={f.sort} onChange={(e) => { setUrl({ sort: e.target.value === 'last_seen' ? '' : e.target.value }, true); }}>
          <option value="last_seen">Last seen</option>
          <option value="first_seen">First seen</option>
          <option value="count">Events</option>
          <option value="users">Users</option>
        </select>
        <select aria-label="range" value={f.range} onChange={(e) => { setUrl({ range: e.target.value === '14d' ? '' : e.target.value }, true); }}>
          {['1d', '7d', '14d', '30d', '90d'].map((r) => <option key={r} value={r}>Last {r}</option>)}
        </select>
        <button type="submit" className="btn primary">Search</button>
        <button type="button" className="btn small" disabled={!issues.data?.length} onClick={() => {
          download('issues.csv', toCsv(['project', 'fingerprint', 'title', 'level', 'status', 'events', 'users', 'first_seen', 'last_seen'],
            (issues.data ?? []).map((i) => [i.project, i.fingerprint, i.title, i.level, changed[issuePath(i)] ?? i.status, i.count, i.users, new Date(i.firstSeen).toISOString(), new Date(i.lastSeen).toISOString()])), 'text/csv');
        }}>CSV</button>
      </form>
      {issues.error && <ErrorBox message={issues.error} onRetry={issues.reload} />}
      {issues.loading && !issues.data && <Loading />}
      {issues.data?.length === 0 && <Empty>No {f.status === 'all' ? '' : f.status} issues in this range.</Empty>}
      {issues.data && issues.data.length > 0 && (
        <table className="data issue-list">
          <thead><tr><th>Issue</th><th>Last 24 h</th><th className="num">Events</th><th className="num">Users</th><th>Seen</th><th>Status</th></tr></thead>
          <tbody>
            {issues.data.map((i) => {
              const key = issuePath(i);
              const status = (changed[key] ?? i.status) as IssueSummary['status'];
              return (
                <tr key={key}>
                  <td>
                    <a href={`/errors/${key}`} onClick={(e) => { e.preventDefault(); navigate(`/errors/${key}`); }}><strong>{i.title}</strong></a>
                    <LevelBadge level={i.level} />{i.regressed && <span className="badge err">regressed</span>}
                    <div className="muted small mono">{i.culprit || '—'} · project {i.project}{i.environments.length ? ` · ${i.environments.join(', ')}` : ''}</div>
                  </td>
                  <td><IssueSparkline issue={i} /></td>
                  <td className="num">{i.count}</td>
                  <td className="num">{i.users}</td>
                  <td className="small">{ago(i.lastSeen)}<div className="muted">first {ago(i.firstSeen)}</div></td>
                  <td>
                    <span className="small">{status}</span>{' '}
                    <StatusActions issue={{ ...i, status }} onChange={(s) => { setChanged({ ...changed, [key]: s }); }} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
