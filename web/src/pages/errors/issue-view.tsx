import { useState } from 'react';
import { useApi } from '../../api/fetch';
import type { ErrorEventRecord, IssueDetail, IssueStatus } from '../../api/types';
import { BarChart, toBars } from '../../components/bar-chart';
import { KeyValues } from '../../components/key-values';
import { ErrorBox, Loading } from '../../components/status';
import { ago } from '../../lib/relative-time';
import { navigate } from '../../lib/router';
import { formatTime } from '../../lib/time';
import { LevelBadge, StatusActions, issuePath } from './issue-status';
import { Breadcrumbs, StackTrace } from './stack-trace';

/** One event: stack trace, breadcrumbs, tags, user and release. */
function EventDetail({ record }: { record: ErrorEventRecord }) {
  const user = Object.fromEntries(Object.entries(record.user).filter(([, v]) => v !== ''));
  return (
    <div className="event-detail">
      <p className="muted small">Event <span className="mono">{record.eventId}</span> · {formatTime(record.time / 1000, true)} · release {record.release || '—'} · {record.environment || 'no environment'}</p>
      <h2>Stack trace</h2>
      <StackTrace event={record.event} />
      <Breadcrumbs event={record.event} />
      <h2>Tags</h2>
      <KeyValues values={record.tags} />
      <h2>User</h2>
      <KeyValues values={user} />
    </div>
  );
}

/** An error issue: status actions, events over the last 7 days, the latest (or a chosen) event, and its event history. */
export function IssueView({ project, fingerprint }: { project: string; fingerprint: string }) {
  const base = `/api/v1/errors/issues/${issuePath({ project, fingerprint })}`;
  const [end] = useState(() => Math.floor(Date.now() / 1000));
  const issue = useApi<IssueDetail>(base);
  const events = useApi<ErrorEventRecord[]>(`${base}/events`, { limit: 50 });
  const histogram = useApi<{ time: number; count: number }[]>(`${base}/histogram`, { start: end - 7 * 86_400, end, step: '1h' });
  const [status, setStatus] = useState<IssueStatus>();
  const [chosen, setChosen] = useState<string>();
  if (issue.error) return <section className="page"><h1>Issue</h1><ErrorBox message={issue.error} onRetry={issue.reload} /></section>;
  if (!issue.data) return <Loading />;
  const i = { ...issue.data, status: status ?? issue.data.status };
  const shown = events.data?.find((e) => e.eventId === chosen) ?? i.latestEvent;
  return (
    <section className="page issue">
      <p><a href="/errors" onClick={(e) => { e.preventDefault(); navigate('/errors'); }}>← Errors</a></p>
      <h1>{i.title} <LevelBadge level={i.level} />{i.regressed && <span className="badge err">regressed</span>}</h1>
      <p className="muted mono small">{i.culprit}</p>
      <p>
        Status <strong className="issue-status">{i.status}</strong> <StatusActions issue={i} onChange={setStatus} />
      </p>
      <p className="muted">
        {i.count} events · {i.users} users · first seen {ago(i.firstSeen)} · last seen {ago(i.lastSeen)}
        {i.releases.length > 0 && <> · releases {i.releases.join(', ')}</>}
      </p>
      {histogram.data && <BarChart height={80} bars={toBars(histogram.data.map((b) => ({ ...b, key: 'events' })), 3600, end - 7 * 86_400, end)} />}
      {shown ? <EventDetail record={shown} /> : <p className="muted">No event stored.</p>}
      <h2>Event history</h2>
      {events.error && <ErrorBox message={events.error} onRetry={events.reload} />}
      {events.data && (
        <table className="data small event-history">
          <thead><tr><th>Time</th><th>Event</th><th>Release</th><th>Environment</th><th>User</th></tr></thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.eventId} className={e.eventId === shown?.eventId ? 'selected' : ''}>
                <td>{formatTime(e.time / 1000, true)}</td>
                <td><button type="button" className="link mono" onClick={() => { setChosen(e.eventId); }}>{e.eventId.slice(0, 12)}</button></td>
                <td>{e.release}</td>
                <td>{e.environment}</td>
                <td>{e.user.email || e.user.id || e.user.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
