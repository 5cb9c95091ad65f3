import { useState } from 'react';
import { apiFetch, useApi } from '../../api/fetch';
import type { AckedAlert, AmAlert } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { ago } from '../../lib/relative-time';
import { useUrlState } from '../../lib/router';
import { Labels } from './labels';

/**
 * Alerts the server holds now (from rules and from the Alertmanager API): state, since when,
 * silences and acknowledgements; each can be silenced (opens the silence form with its labels)
 * or acknowledged.
 */
export function ActiveAlerts() {
  const [, setUrl] = useUrlState();
  const alerts = useApi<AmAlert[]>('/api/v2/alerts');
  const acks = useApi<AckedAlert[]>('/api/v1/alerting/alerts');
  const [error, setError] = useState<string>();
  const ackOf = new Map((acks.data ?? []).map((a) => [a.fingerprint, a.acknowledgement]));

  const acknowledge = (fp: string, on: boolean) => {
    apiFetch(`/api/v1/alerting/alerts/${fp}/ack`, { method: on ? 'POST' : 'DELETE', ...(on ? { body: { by: 'web' } } : {}) }).then(
      () => { setError(undefined); acks.reload(); },
      (err: unknown) => { setError((err as Error).message); },
    );
  };

  if (alerts.error) return <ErrorBox message={alerts.error} onRetry={alerts.reload} />;
  if (!alerts.data) return <Loading />;
  if (alerts.data.length === 0) return <Empty>No alerts are firing.</Empty>;
  return (
    <>
      {error && <ErrorBox message={error} />}
      <table className="data alert-list">
        <thead><tr><th>Alert</th><th>State</th><th>Since</th><th>Actions</th></tr></thead>
        <tbody>
          {alerts.data.map((a) => {
            const ack = ackOf.get(a.fingerprint);
            return (
              <tr key={a.fingerprint}>
                <td>
                  <strong>{a.labels.alertname ?? '(no name)'}</strong> <Labels labels={a.labels} />
                  {(a.annotations.summary ?? a.annotations.description) && <div className="small">{a.annotations.summary ?? a.annotations.description}</div>}
                </td>
                <td>
                  <span className={`badge${a.status.state === 'active' ? ' err' : ''}`}>{a.status.state === 'suppressed' ? (a.status.silencedBy.length ? 'silenced' : 'inhibited') : a.status.state}</span>
                  {ack && <span className="badge">acknowledged by {ack.by || '?'}</span>}
                </td>
                <td className="small">{ago(Date.parse(a.startsAt))}</td>
                <td>
                  <button type="button" className="btn small" onClick={() => { setUrl({ tab: 'silences', silence: JSON.stringify(a.labels) }, true); }}>Silence</button>{' '}
                  <button type="button" className="btn small" onClick={() => { acknowledge(a.fingerprint, !ack); }}>{ack ? 'Withdraw ack' : 'Acknowledge'}</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
