import { useState } from 'react';
import { apiFetch, useApi } from '../../api/fetch';
import type { Bounds, KpiReport } from '../../api/types';
import { Sparkline } from '../../components/sparkline';
import { ErrorBox, Empty, Loading } from '../../components/status';

function bounds(b: Bounds | null): string {
  if (!b) return '—';
  return [b.min !== undefined ? `≥ ${b.min}` : '', b.max !== undefined ? `≤ ${b.max}` : ''].filter(Boolean).join(' and ');
}

function fmt(v: number | null, unit: string): string {
  if (v === null) return '—';
  const n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  return unit ? `${n} ${unit}` : n;
}

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
const text = (n: number | undefined) => (n === undefined ? '' : String(n));

/** Edits a KPI's warning and critical bounds; empty fields are no bound, a level with none is removed. */
function ThresholdForm({ kpi, onDone }: { kpi: KpiReport; onDone: (saved: boolean) => void }) {
  const [v, setV] = useState({
    wmin: text(kpi.thresholds.warning?.min), wmax: text(kpi.thresholds.warning?.max),
    cmin: text(kpi.thresholds.critical?.min), cmax: text(kpi.thresholds.critical?.max),
  });
  const [error, setError] = useState<string>();
  const level = (min: string, max: string): Bounds | null => {
    const b = { ...(num(min) !== undefined ? { min: num(min) } : {}), ...(num(max) !== undefined ? { max: num(max) } : {}) };
    return Object.keys(b).length ? b : null;
  };
  const save = () => {
    const bad = Object.entries(v).find(([, x]) => x.trim() !== '' && !Number.isFinite(Number(x)));
    if (bad) {
      setError(`"${bad[1]}" is not a number`);
      return;
    }
    apiFetch(`/api/v1/kpis/${encodeURIComponent(kpi.name)}/thresholds`, { method: 'PUT', body: { warning: level(v.wmin, v.wmax), critical: level(v.cmin, v.cmax) } })
      .then(() => { onDone(true); }, (err: unknown) => { setError((err as Error).message); });
  };
  const field = (k: keyof typeof v, label: string) => <label className="inline">{label} <input aria-label={`${kpi.name} ${label}`} size={6} value={v[k]} onChange={(e) => { setV({ ...v, [k]: e.target.value }); }} /></label>;
  return (
    <form className="threshold-form" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <div>{field('wmin', 'warning min')} {field('wmax', 'warning max')}</div>
      <div>{field('cmin', 'critical min')} {field('cmax', 'critical max')}</div>
      <div className="matcher-row">
        <button type="submit" className="btn small primary">Save</button>
        <button type="button" className="btn small" onClick={() => { onDone(false); }}>Cancel</button>
      </div>
      {error && <p className="error-text small" role="alert">{error}</p>}
    </form>
  );
}

/**
 * KPI cards: current value coloured by its threshold status, trend over the periods shown, the
 * thresholds, and a sparkline; with `editable`, each card's thresholds can be changed (they
 * become the KPI's alerting rules at once).
 */
export function KpiCards({ editable = false }: { editable?: boolean }) {
  const [editing, setEditing] = useState<string>();
  const kpis = useApi<KpiReport[]>('/api/v1/kpis', { periods: 24 });
  if (kpis.error) return <ErrorBox message={kpis.error} onRetry={kpis.reload} />;
  if (!kpis.data) return <Loading />;
  if (kpis.data.length === 0) return <Empty>No KPIs. Define them under <code>kpis</code> in the config file.</Empty>;
  return (
    <div className="kpi-grid">
      {kpis.data.map((k) => (
        <div key={k.name} className={`kpi-card status-${k.status}`} aria-label={`KPI ${k.name}`}>
          <div className="kpi-name">{k.name}</div>
          <div className="kpi-value">{fmt(k.current, k.unit)}</div>
          <div className="small">
            <span className="kpi-status">{k.status}</span>
            {k.trend !== null && <span className="muted"> · {k.trend >= 0 ? '▲' : '▼'} {(Math.abs(k.trend) * 100).toFixed(1)}% over {k.values.length} × {k.period}</span>}
          </div>
          <Sparkline values={k.values.map((v) => v.value ?? 0)} width={220} height={36} label={`${k.name} per ${k.period}`} />
          {editing === k.name
            ? <ThresholdForm kpi={k} onDone={(saved) => { setEditing(undefined); if (saved) kpis.reload(); }} />
            : <div className="small muted">warning {bounds(k.thresholds.warning)} · critical {bounds(k.thresholds.critical)}{editable && <> <button type="button" className="link" onClick={() => { setEditing(k.name); }}>edit thresholds</button></>}</div>}
          {k.description && <div className="small">{k.description}</div>}
        </div>
      ))}
    </div>
  );
}
