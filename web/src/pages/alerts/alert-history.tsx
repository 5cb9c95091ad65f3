import { useState } from 'react';
import { useApi } from '../../api/fetch';
import type { AlertEvent, NotificationAttempt } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { formatTime } from '../../lib/time';
import { Labels } from './labels';

/** State changes of alerts and notification attempts over the last 24 hours, newest first. */
export function AlertHistory() {
  const [end] = useState(() => Math.floor(Date.now() / 1000));
  const range = { start: end - 86_400, end, limit: 200 };
  const events = useApi<AlertEvent[]>('/api/v1/alerting/history', range);
  const notes = useApi<NotificationAttempt[]>('/api/v1/alerting/notifications', range);
  return (
    <>
      <h2>State changes</h2>
      {events.error && <ErrorBox message={events.error} onRetry={events.reload} />}
      {!events.data && !events.error && <Loading />}
      {events.data?.length === 0 && <Empty>No alert changed state in the last 24 hours.</Empty>}
      {events.data && events.data.length > 0 && (
        <table className="data small alert-events">
          <thead><tr><th>Time</th><th>Alert</th><th>Change</th><th className="num">Value</th></tr></thead>
          <tbody>
            {events.data.map((e, i) => (
              <tr key={i}>
                <td>{formatTime(e.time / 1000, true)}</td>
                <td><strong>{e.rule}</strong> <Labels labels={e.labels} /></td>
                <td>{e.previous} → <span className={`badge${e.state === 'firing' ? ' err' : ''}`}>{e.state}</span></td>
                <td className="num">{e.value ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Notifications</h2>
      {notes.error && <ErrorBox message={notes.error} onRetry={notes.reload} />}
      {notes.data?.length === 0 && <Empty>No notifications in the last 24 hours.</Empty>}
      {notes.data && notes.data.length > 0 && (
        <table className="data small notifications">
          <thead><tr><th>Time</th><th>Receiver</th><th>Alerts</th><th>Status</th><th>Outcome</th></tr></thead>
          <tbody>
            {notes.data.map((n, i) => (
              <tr key={i}>
                <td>{formatTime(n.time / 1000, true)}</td>
                <td>{n.receiver} <span className="muted">{n.integration}</span></td>
                <td>{n.rules.join(', ')}</td>
                <td>{n.status}</td>
                <td><span className={`badge${n.outcome === 'sent' ? '' : ' err'}`}>{n.outcome}</span>{n.attempt > 1 && ` (attempt ${n.attempt})`}{n.error && <div className="error-text">{n.error}</div>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
