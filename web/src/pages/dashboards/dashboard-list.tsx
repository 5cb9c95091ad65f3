import { useState } from 'react';
import { apiFetch, useApi } from '../../api/fetch';
import type { DashboardSummary } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { ago } from '../../lib/relative-time';
import { navigate } from '../../lib/router';

/** Dashboards: open, create, delete, and import a Grafana dashboard's JSON. */
export function DashboardList() {
  const list = useApi<DashboardSummary[]>('/api/v1/dashboards');
  const [title, setTitle] = useState('');
  const [grafana, setGrafana] = useState('');
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const fail = (err: unknown) => { setError((err as Error).message); };

  const create = () => {
    apiFetch<{ id: string }>('/api/v1/dashboards', { method: 'POST', body: { title: title.trim() || 'New dashboard', time: { from: 'now-1h', to: 'now' }, widgets: [] } })
      .then((r) => { navigate(`/dashboards/${r.id}?edit=1`); }, fail);
  };
  const importGrafana = () => {
    let body: unknown;
    try {
      body = JSON.parse(grafana);
    } catch (err) {
      setError(`the Grafana JSON does not parse: ${(err as Error).message}`);
      return;
    }
    apiFetch<{ id: string; skipped: string[] }>('/api/v1/dashboards/import/grafana', { method: 'POST', body }).then((r) => {
      setError(undefined);
      setGrafana('');
      setMessage(r.skipped.length ? `Imported; left out: ${r.skipped.join('; ')}` : 'Imported every panel.');
      list.reload();
    }, fail);
  };
  const remove = (d: DashboardSummary) => {
    if (!window.confirm(`Delete "${d.title}"? Its versions stay readable through the API.`)) return;
    apiFetch(`/api/v1/dashboards/${d.id}`, { method: 'DELETE' }).then(() => { list.reload(); }, fail);
  };

  return (
    <section className="page dashboards">
      <h1>Dashboards</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); create(); }}>
        <input aria-label="new dashboard title" placeholder="Title of a new dashboard" value={title} onChange={(e) => { setTitle(e.target.value); }} />
        <button type="submit" className="btn primary">Create</button>
      </form>
      {error && <ErrorBox message={error} />}
      {message && <p className="muted" role="status">{message}</p>}
      {list.error && <ErrorBox message={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <Loading />}
      {list.data?.length === 0 && <Empty>No dashboards yet.</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="data dashboard-list">
          <thead><tr><th>Dashboard</th><th>Version</th><th>Saved</th><th /></tr></thead>
          <tbody>
            {list.data.map((d) => (
              <tr key={d.id}>
                <td><a href={`/dashboards/${d.id}`} onClick={(e) => { e.preventDefault(); navigate(`/dashboards/${d.id}`); }}>{d.title}</a></td>
                <td>{d.version}</td>
                <td className="small">{ago(d.updatedAt)}</td>
                <td><button type="button" className="btn small" onClick={() => { remove(d); }}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details className="import">
        <summary>Import a Grafana dashboard</summary>
        <textarea aria-label="Grafana dashboard JSON" rows={8} placeholder="Paste the dashboard JSON (Share → Export → Save to file)" value={grafana} onChange={(e) => { setGrafana(e.target.value); }} />
        <button type="button" className="btn" onClick={importGrafana} disabled={!grafana.trim()}>Import</button>
      </details>
    </section>
  );
}
