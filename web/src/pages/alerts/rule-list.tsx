import { useApi } from '../../api/fetch';
import type { RuleGroup } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { Labels } from './labels';

/** Rule groups with each rule's query, state (inactive, pending, firing), health and current alerts. */
export function RuleList() {
  const rules = useApi<{ groups: RuleGroup[] }>('/api/v1/rules');
  if (rules.error) return <ErrorBox message={rules.error} onRetry={rules.reload} />;
  if (!rules.data) return <Loading />;
  if (rules.data.groups.length === 0) return <Empty>No rules. Add rule files with <code>rule_files</code> or KPI thresholds with <code>kpis</code> in the config.</Empty>;
  return (
    <>
      {rules.data.groups.map((g) => (
        <div key={`${g.file}|${g.name}`} className="rule-group">
          <h2>{g.name} <span className="muted small">{g.file} · every {g.interval}s</span></h2>
          <table className="data">
            <thead><tr><th>Rule</th><th>State</th><th>Health</th></tr></thead>
            <tbody>
              {g.rules.map((r) => (
                <tr key={r.name + r.query}>
                  <td>
                    <strong>{r.name}</strong> {r.labels && <Labels labels={r.labels} />}
                    <div className="mono small">{r.query}</div>
                    {(r.alerts ?? []).length > 0 && <div className="small muted">{(r.alerts ?? []).length} alert(s): {(r.alerts ?? []).map((a) => a.value).join(', ')}</div>}
                  </td>
                  <td>{r.type === 'alerting' ? <span className={`badge state-${r.state ?? 'inactive'}${r.state === 'firing' ? ' err' : ''}`}>{r.state}</span> : <span className="muted">recording</span>}</td>
                  <td>{r.health}{r.lastError && <div className="error-text small">{r.lastError}</div>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}
