import { useApi } from '../../api/fetch';
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

/** KPI cards: current value coloured by its threshold status, trend over the periods shown, the thresholds, and a sparkline. */
export function KpiCards() {
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
          <div className="small muted">warning {bounds(k.thresholds.warning)} · critical {bounds(k.thresholds.critical)}</div>
          {k.description && <div className="small">{k.description}</div>}
        </div>
      ))}
    </div>
  );
}
