import type { DashboardSpec, Widget } from '../../api/types';
import { formatValue } from '../../lib/format';
import { PALETTE, type Aligned } from '../../lib/series';
import { singleValue, toSeries } from './widget-view';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG line chart of aligned series (no script, no external files). */
function svgChart(a: Aligned, width = 560, height = 180): string {
  const values = a.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (a.times.length === 0 || values.length === 0) return '<p class="muted">No data</p>';
  const [t0, t1] = [a.times[0]!, a.times.at(-1)!];
  const [lo, hi] = [Math.min(0, ...values), Math.max(...values)];
  const x = (t: number) => ((t - t0) / (t1 - t0 || 1)) * (width - 50) + 45;
  const y = (v: number) => height - 20 - ((v - lo) / (hi - lo || 1)) * (height - 30);
  const lines = a.series.map((s, i) => {
    const pts = s.values.map((v, k) => (v === null ? null : `${x(a.times[k]!).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ');
    return `<polyline fill="none" stroke="${PALETTE[i % PALETTE.length]!}" stroke-width="1.5" points="${pts}"/>`;
  }).join('');
  const axis = `<text x="2" y="${y(hi) + 4}" font-size="10">${esc(formatValue(hi))}</text><text x="2" y="${y(lo)}" font-size="10">${esc(formatValue(lo))}</text>`
    + `<text x="45" y="${height - 4}" font-size="10">${esc(new Date(t0 * 1000).toLocaleString())}</text><text x="${width - 5}" y="${height - 4}" font-size="10" text-anchor="end">${esc(new Date(t1 * 1000).toLocaleString())}</text>`;
  const legend = a.series.slice(0, 10).map((s, i) => `<span><i style="background:${PALETTE[i % PALETTE.length]!}"></i>${esc(s.label)}</span>`).join(' ');
  return `<svg viewBox="0 0 ${width} ${height}" width="100%">${axis}${lines}</svg><div class="legend">${legend}</div>`;
}

function widgetHtml(w: Widget, data: unknown): string {
  if (w.type === 'text') return (w.text ?? '').split('\n').map((l) => `<p>${esc(l)}</p>`).join('');
  if (w.type === 'stat' || w.type === 'gauge') return `<div class="stat">${esc(formatValue(singleValue(data), w.unit))}</div>`;
  const series = toSeries(w, data);
  if (series) return svgChart(series);
  const d = data as { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[]; records?: { body: string; severityText: string }[] } | { steps: { event: string; count: number }[] }[] | undefined;
  if (Array.isArray(d)) return `<table>${(d[0]?.steps ?? []).map((s) => `<tr><td>${esc(s.event)}</td><td>${s.count}</td></tr>`).join('')}</table>`;
  if (d?.resultType === 'vector') return `<table>${(d.result ?? []).map((r) => `<tr><td>${esc(JSON.stringify(r.metric))}</td><td>${esc(formatValue(Number(r.value[1]), w.unit))}</td></tr>`).join('')}</table>`;
  if (d?.records) return `<table>${d.records.map((r) => `<tr><td>${esc(r.severityText)}</td><td>${esc(r.body)}</td></tr>`).join('')}</table>`;
  return '<p class="muted">No data</p>';
}

/**
 * The dashboard as one self-contained HTML file: every widget with the data shown now, charts as
 * inline SVG, no scripts or external resources — for mail, tickets and archives.
 */
export function htmlReport(spec: DashboardSpec, data: Readonly<Record<string, { data?: unknown }>>, range: string, at = new Date()): string {
  const cells = [...spec.widgets].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x)
    .map((w) => `<section style="grid-column: span ${Math.min(12, w.layout.w)}"><h2>${esc(w.title)}</h2>${widgetHtml(w, data[w.id]?.data)}</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(spec.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}main{display:grid;grid-template-columns:repeat(12,1fr);gap:12px}
section{border:1px solid #d1d9e0;border-radius:8px;padding:10px;min-width:0}h2{font-size:14px;margin:0 0 8px}.stat{font-size:28px;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:12px}td{border-bottom:1px solid #eee;padding:2px 4px}.muted{color:#59636e}
.legend{font-size:11px}.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}</style></head>
<body><h1>${esc(spec.title)}</h1><p class="muted">${esc(range)} · generated ${esc(at.toISOString())}</p>
<main>
${cells}
</main></body></html>
`;
}
