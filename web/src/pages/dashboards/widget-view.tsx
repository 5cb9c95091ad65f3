import type { FunnelBreakdown, LogRecord, MatrixSeries, QueryData, TrendPoint, Widget } from '../../api/types';
import { BarChart } from '../../components/bar-chart';
import { FunnelChart } from '../../components/funnel-chart';
import { Empty } from '../../components/status';
import { TimeSeriesChart } from '../../components/time-series-chart';
import { toCsv } from '../../lib/export';
import { formatValue, thresholdColor } from '../../lib/format';
import { logTime } from '../../lib/time';
import { alignMatrix, seriesLabel, trendSeries, type Aligned } from '../../lib/series';

/** Grafana-style legend: `{{label}}` replaced by the series' label values. */
function legendOf(metric: Record<string, string>, format?: string): string {
  return format ? format.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, k: string) => metric[k] ?? '') : seriesLabel(metric);
}

/** A widget's data as chart series: PromQL matrices, or event trends (points per interval). */
export function toSeries(w: Widget, data: unknown): Aligned | undefined {
  const d = data as QueryData | TrendPoint[] | undefined;
  if (Array.isArray(d)) return trendSeries(d, w.query?.kind === 'analytics' ? (w.query.event ?? 'active people') : w.title);
  if (d?.resultType === 'matrix') {
    const legend = w.query?.kind === 'promql' ? w.query.legend : undefined;
    const aligned = alignMatrix(d.result);
    aligned.series.forEach((s, i) => { s.label = legendOf((d.result[i] as MatrixSeries).metric, legend); });
    return aligned;
  }
  return undefined;
}

/** One value of a widget's data: the sum of an instant vector, a scalar, the last point of a trend or series. */
export function singleValue(data: unknown): number | null {
  const d = data as QueryData | TrendPoint[] | undefined;
  if (Array.isArray(d)) {
    const last = d.reduce((m, p) => Math.max(m, p.time), -Infinity);
    const at = d.filter((p) => p.time === last);
    return at.length ? at.reduce((s, p) => s + p.value, 0) : null;
  }
  if (!d) return null;
  if (d.resultType === 'scalar') return Number(d.result[1]);
  if (d.resultType === 'vector') return d.result.length ? d.result.reduce((s, r) => s + Number(r.value[1]), 0) : null;
  if (d.resultType === 'matrix') {
    const lasts = d.result.map((s) => s.values.at(-1)).filter((v) => v !== undefined);
    return lasts.length ? lasts.reduce((s, v) => s + Number(v[1]), 0) : null;
  }
  return null;
}

/** Rows (label, value) of an instant vector or the last points of a trend, for bars and tables. */
function rows(w: Widget, data: unknown): { label: string; value: number }[] {
  const d = data as QueryData | TrendPoint[] | undefined;
  if (Array.isArray(d)) {
    const by = new Map<string, number>();
    for (const p of d) by.set(p.breakdown || (w.query?.kind === 'analytics' ? w.query.event ?? 'active' : ''), (by.get(p.breakdown) ?? 0) + p.value);
    return [...by].map(([label, value]) => ({ label, value }));
  }
  if (d?.resultType === 'vector') return d.result.map((r) => ({ label: legendOf(r.metric, w.query?.kind === 'promql' ? w.query.legend : undefined), value: Number(r.value[1]) }));
  if (d?.resultType === 'scalar') return [{ label: w.title, value: Number(d.result[1]) }];
  return [];
}

function Gauge({ value, min, max, color, unit }: { value: number | null; min: number; max: number; color: string | undefined; unit: string | undefined }) {
  const frac = value === null ? 0 : Math.min(1, Math.max(0, (value - min) / (max - min || 1)));
  const a = Math.PI * (1 - frac);
  const x = 60 + 48 * Math.cos(a);
  const y = 60 - 48 * Math.sin(a);
  return (
    <svg viewBox="0 0 120 72" className="gauge" role="img" aria-label={`gauge ${formatValue(value, unit)}`}>
      <path d="M 12 60 A 48 48 0 0 1 108 60" fill="none" stroke="var(--border)" strokeWidth="10" />
      {frac > 0 && <path d={`M 12 60 A 48 48 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`} fill="none" stroke={color ?? 'var(--accent)'} strokeWidth="10" />}
      <text x="60" y="58" textAnchor="middle" className="gauge-value">{formatValue(value, unit)}</text>
    </svg>
  );
}

/** A widget's data as CSV rows (series, time, value), whatever its shape; undefined when it has none. */
export function widgetCsv(w: Widget, data: unknown): string | undefined {
  const series = toSeries(w, data);
  if (series) return toCsv(['series', 'time', 'value'], series.series.flatMap((s) => s.values.map((v, i) => [s.label, series.times[i]!, v])));
  const r = rows(w, data);
  if (r.length) return toCsv(['series', 'value'], r.map((x) => [x.label, x.value]));
  const records = (data as { records?: LogRecord[] } | undefined)?.records;
  if (records?.length) return toCsv(['time_unix_nano', 'service', 'severity', 'body'], records.map((x) => [x.timeUnixNano, x.serviceName, x.severityText, x.body]));
  const f = data as FunnelBreakdown[] | undefined;
  if (Array.isArray(f) && f[0]?.steps) return toCsv(['step', 'event', 'people', 'conversion'], f[0].steps.map((s, i) => [i + 1, s.event, s.count, s.conversion]));
  return undefined;
}

/** Renders one widget's current data by its type. */
export function WidgetView({ widget: w, data, range }: { widget: Widget; data: unknown; range?: [number, number] }) {
  switch (w.type) {
    case 'text':
      return <div className="widget-text">{(w.text ?? '').split('\n').map((line, i) => (/^#{1,3} /.test(line) ? <h3 key={i}>{line.replace(/^#+ /, '')}</h3> : <p key={i}>{line}</p>))}</div>;
    case 'stat': {
      const v = singleValue(data);
      return <div className="stat" style={{ color: thresholdColor(v, w.thresholds) }}>{formatValue(v, w.unit)}</div>;
    }
    case 'gauge': {
      const v = singleValue(data);
      return <Gauge value={v} min={w.min ?? 0} max={w.max ?? 100} color={thresholdColor(v, w.thresholds)} unit={w.unit} />;
    }
    case 'timeseries': {
      const s = toSeries(w, data);
      return s && s.series.length ? <TimeSeriesChart data={s} height={Math.max(80, w.layout.h * 30 - 110)} {...(range ? { xRange: range } : {})} /> : <Empty>No data</Empty>;
    }
    case 'bar': {
      const s = toSeries(w, data);
      if (s && Array.isArray(data)) {
        return <BarChart height={Math.max(60, w.layout.h * 30 - 90)} bars={{ times: s.times, step: s.times.length > 1 ? s.times[1]! - s.times[0]! : 86_400, layers: s.series.map((x) => ({ key: x.label, counts: x.values.map((v) => v ?? 0) })) }} />;
      }
      const r = rows(w, data);
      const max = Math.max(1e-12, ...r.map((x) => x.value));
      return r.length ? (
        <ul className="hbars">{r.map((x) => <li key={x.label}><span className="hbar-label mono">{x.label}</span><span className="hbar" style={{ width: `${(x.value / max) * 100}%`, background: thresholdColor(x.value, w.thresholds) }} /><span className="num">{formatValue(x.value, w.unit)}</span></li>)}</ul>
      ) : <Empty>No data</Empty>;
    }
    case 'table': {
      const r = rows(w, data);
      return r.length ? (
        <table className="data small"><tbody>{r.map((x) => <tr key={x.label}><td className="mono">{x.label}</td><td className="num" style={{ color: thresholdColor(x.value, w.thresholds) }}>{formatValue(x.value, w.unit)}</td></tr>)}</tbody></table>
      ) : <Empty>No data</Empty>;
    }
    case 'funnel': {
      const f = data as FunnelBreakdown[] | undefined;
      return f?.length ? <FunnelChart result={f[0]!} /> : <Empty>No data</Empty>;
    }
    case 'logs': {
      const records = (data as { records?: LogRecord[] } | undefined)?.records ?? [];
      return records.length ? (
        <ul className="widget-logs mono">{records.map((r, i) => <li key={i}><span className="muted">{logTime(r.timeUnixNano).slice(11)}</span> <span className={`sev sev-${r.severityText.toLowerCase()}`}>{r.severityText}</span> {r.serviceName}: {r.body}</li>)}</ul>
      ) : <Empty>No log lines</Empty>;
    }
  }
}
