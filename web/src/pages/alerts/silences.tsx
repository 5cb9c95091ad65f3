import { useState } from 'react';
import { apiFetch, useApi } from '../../api/fetch';
import type { Matcher, Silence } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { useUrlState } from '../../lib/router';
import { durationSeconds, formatTime } from '../../lib/time';

type Op = '=' | '!=' | '=~' | '!~';
interface Row { name: string; op: Op; value: string }

const opOf = (m: Matcher): Op => (m.isRegex ? (m.isEqual === false ? '!~' : '=~') : m.isEqual === false ? '!=' : '=');
const toMatcher = (r: Row): Matcher => ({ name: r.name.trim(), value: r.value, isRegex: r.op.endsWith('~'), isEqual: !r.op.startsWith('!') });

/** Rows of the form for an alert's labels (or one empty row). */
function initialRows(labelsJson: string | null): Row[] {
  try {
    const labels = labelsJson ? (JSON.parse(labelsJson) as Record<string, string>) : {};
    const rows = Object.entries(labels).map(([name, value]): Row => ({ name, op: '=', value }));
    return rows.length ? rows : [{ name: '', op: '=', value: '' }];
  } catch {
    return [{ name: '', op: '=', value: '' }];
  }
}

function SilenceForm({ labelsJson, onCreated }: { labelsJson: string | null; onCreated: () => void }) {
  const [rows, setRows] = useState<Row[]>(() => initialRows(labelsJson));
  const [duration, setDuration] = useState('2h');
  const [createdBy, setCreatedBy] = useState(() => localStorage.getItem('silence.createdBy') ?? '');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const update = (i: number, change: Partial<Row>) => { setRows(rows.map((r, k) => (k === i ? { ...r, ...change } : r))); };

  const submit = () => {
    const seconds = durationSeconds(duration);
    if (!(seconds > 0)) {
      setError(`duration "${duration}": use e.g. 30m, 2h, 1d`);
      return;
    }
    localStorage.setItem('silence.createdBy', createdBy);
    const now = Date.now();
    apiFetch<{ silenceID: string }>('/api/v2/silences', { method: 'POST', body: {
      matchers: rows.filter((r) => r.name.trim() !== '').map(toMatcher),
      startsAt: new Date(now).toISOString(), endsAt: new Date(now + seconds * 1000).toISOString(), createdBy, comment,
    } }).then(() => { setError(undefined); onCreated(); }, (err: unknown) => { setError((err as Error).message); });
  };

  return (
    <form className="silence-form" onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label="new silence">
      <h2>New silence</h2>
      {rows.map((r, i) => (
        <div key={i} className="matcher-row">
          <input aria-label="label name" placeholder="label" value={r.name} onChange={(e) => { update(i, { name: e.target.value }); }} />
          <select aria-label="operator" value={r.op} onChange={(e) => { update(i, { op: e.target.value as Op }); }}>
            {['=', '!=', '=~', '!~'].map((o) => <option key={o}>{o}</option>)}
          </select>
          <input aria-label="label value" placeholder="value" value={r.value} onChange={(e) => { update(i, { value: e.target.value }); }} />
          <button type="button" className="btn small" aria-label="remove matcher" onClick={() => { setRows(rows.filter((_, k) => k !== i)); }}>✕</button>
        </div>
      ))}
      <button type="button" className="btn small" onClick={() => { setRows([...rows, { name: '', op: '=', value: '' }]); }}>+ Matcher</button>
      <div className="matcher-row">
        <label>Duration <input value={duration} size={6} onChange={(e) => { setDuration(e.target.value); }} /></label>
        <label>Created by <input value={createdBy} onChange={(e) => { setCreatedBy(e.target.value); }} /></label>
        <label className="grow">Comment <input value={comment} onChange={(e) => { setComment(e.target.value); }} /></label>
      </div>
      <button type="submit" className="btn primary">Create silence</button>
      {error && <p className="error-text" role="alert">{error}</p>}
    </form>
  );
}

/** Silences (active and pending first, then expired): create one — from an alert's labels or by hand — and expire one. */
export function Silences() {
  const [url, setUrl] = useUrlState();
  const silences = useApi<Silence[]>('/api/v2/silences');
  const [error, setError] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  const expire = (id: string) => {
    apiFetch(`/api/v2/silence/${id}`, { method: 'DELETE' }).then(() => { setError(undefined); silences.reload(); }, (err: unknown) => { setError((err as Error).message); });
  };
  const order = { active: 0, pending: 1, expired: 2 };
  const list = [...(silences.data ?? [])].sort((a, b) => order[a.status.state] - order[b.status.state] || b.endsAt.localeCompare(a.endsAt));
  return (
    <>
      <SilenceForm key={`${formKey}|${url.get('silence') ?? ''}`} labelsJson={url.get('silence')} onCreated={() => { setFormKey(formKey + 1); setUrl({ silence: '' }); silences.reload(); }} />
      {error && <ErrorBox message={error} />}
      {silences.error && <ErrorBox message={silences.error} onRetry={silences.reload} />}
      {!silences.data && !silences.error && <Loading />}
      {silences.data?.length === 0 && <Empty>No silences.</Empty>}
      {list.length > 0 && (
        <table className="data silence-list">
          <thead><tr><th>Matchers</th><th>State</th><th>Ends</th><th>Created by</th><th /></tr></thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>
                  <span className="labels">{s.matchers.map((m, i) => <span key={i} className="chip mono">{m.name}{opOf(m)}{m.value}</span>)}</span>
                  {s.comment && <div className="small muted">{s.comment}</div>}
                </td>
                <td><span className={`badge silence-${s.status.state}`}>{s.status.state}</span></td>
                <td className="small">{formatTime(Date.parse(s.endsAt) / 1000, true)}</td>
                <td className="small">{s.createdBy}</td>
                <td>{s.status.state !== 'expired' && <button type="button" className="btn small" onClick={() => { expire(s.id); }}>Expire</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
