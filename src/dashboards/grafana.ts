import type { DashboardSpec, Widget } from './spec.js';

/** A Grafana dashboard as its JSON model holds it (only the parts read here). */
interface GrafanaPanel {
  type?: string;
  title?: string;
  gridPos?: { x?: number; y?: number; w?: number; h?: number };
  datasource?: string | { type?: string; uid?: string } | null;
  targets?: { expr?: string; legendFormat?: string; datasource?: { type?: string } | string | null; hide?: boolean }[];
  panels?: GrafanaPanel[];
  options?: { content?: string };
  fieldConfig?: { defaults?: { unit?: string; min?: number; max?: number; thresholds?: { steps?: { color?: string; value?: number | null }[] } } };
}
interface GrafanaDashboard {
  title?: string;
  description?: string;
  tags?: string[];
  time?: { from?: string; to?: string };
  refresh?: string | false;
  panels?: GrafanaPanel[];
  rows?: { panels?: GrafanaPanel[] }[];
  templating?: { list?: { name?: string; type?: string; query?: string | { query?: string }; current?: { value?: string | string[] } }[] };
}

const TYPES: Partial<Record<string, Widget['type']>> = {
  timeseries: 'timeseries', graph: 'timeseries', stat: 'stat', singlestat: 'stat', gauge: 'gauge', bargauge: 'bar',
  barchart: 'bar', table: 'table', 'table-old': 'table', text: 'text', logs: 'logs',
};

const COLORS = ['green', 'yellow', 'orange', 'red', 'blue'] as const;

/** A Grafana colour as one of ours: a named colour (shades like `dark-red` map to `red`) or `#rrggbb`. */
function color(c: string | undefined): string {
  if (!c) return 'green';
  if (/^#[0-9a-fA-F]{6}$/.test(c)) return c.toLowerCase();
  const named = COLORS.find((n) => c.toLowerCase().includes(n));
  if (named) return named;
  if (/^#[0-9a-fA-F]{3}$/.test(c)) return c.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3').toLowerCase();
  return c.toLowerCase().includes('purple') ? 'blue' : 'green';
}

function isPrometheus(ds: GrafanaPanel['datasource'] | { type?: string } | string | null | undefined): boolean {
  if (ds === undefined || ds === null) return true; // the dashboard's default data source
  if (typeof ds === 'string') return !/loki|elastic|influx|graphite|tempo|jaeger|mysql|postgres/i.test(ds);
  return ds.type === undefined || ds.type === 'prometheus' || ds.type === 'datasource';
}

/** `label_values(metric{…}, label)` or `label_values(label)` as a variable source. */
function labelValues(query: string): { label: string; match?: string } | undefined {
  const m = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(query);
  if (!m) return undefined;
  return { label: m[2]!, ...(m[1] ? { match: m[1] } : {}) };
}

/**
 * Converts a Grafana dashboard (its JSON model, or an export wrapping it in `dashboard`) into
 * ours: panels with Prometheus queries become widgets (the first visible target is the query;
 * 24 grid columns become 12), text panels stay text, `label_values` variables become variables.
 * What cannot be carried over is listed in `skipped` with the reason.
 */
export function fromGrafana(input: unknown): { spec: DashboardSpec; skipped: string[] } {
  const root = (input && typeof input === 'object' && 'dashboard' in input ? input.dashboard : input) as GrafanaDashboard | null;
  if (!root || typeof root !== 'object' || (!Array.isArray(root.panels) && !Array.isArray(root.rows))) throw new Error('not a Grafana dashboard: no "panels"');
  const skipped: string[] = [];
  const panels = [...(root.panels ?? []), ...(root.rows ?? []).flatMap((r) => r.panels ?? [])].flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]));
  const widgets: Widget[] = [];
  panels.forEach((p, i) => {
    const name = p.title || `panel ${i + 1}`;
    const type = TYPES[p.type ?? ''];
    if (!type) return void skipped.push(`${name}: panel type "${p.type ?? '?'}" is not supported`);
    const g = p.gridPos ?? {};
    const layout = { x: Math.min(11, Math.floor((g.x ?? 0) / 2)), y: Math.max(0, g.y ?? i * 8), w: Math.min(12, Math.max(1, Math.round((g.w ?? 12) / 2))), h: Math.min(100, Math.max(1, g.h ?? 8)) };
    const id = `p${i + 1}`;
    if (type === 'text') return void widgets.push({ id, type, title: p.title ?? '', layout, text: p.options?.content ?? '' });
    if (!isPrometheus(p.datasource)) return void skipped.push(`${name}: only Prometheus queries are imported`);
    const targets = (p.targets ?? []).filter((t) => !t.hide && t.expr && isPrometheus(t.datasource));
    const first = targets[0];
    if (!first?.expr) return void skipped.push(`${name}: no Prometheus query`);
    if (targets.length > 1) skipped.push(`${name}: ${targets.length - 1} more queries left out (a widget has one)`);
    const d = p.fieldConfig?.defaults ?? {};
    const steps = d.thresholds?.steps ?? [];
    widgets.push({
      id, type: type === 'logs' ? 'table' : type, title: p.title ?? '', layout,
      query: { kind: 'promql', expr: first.expr, ...(first.legendFormat ? { legend: first.legendFormat } : {}) },
      ...(d.unit ? { unit: d.unit.slice(0, 20) } : {}),
      ...(typeof d.min === 'number' ? { min: d.min } : {}),
      ...(typeof d.max === 'number' ? { max: d.max } : {}),
      ...(steps.length ? { thresholds: steps.slice(0, 20).map((s) => ({ value: typeof s.value === 'number' ? s.value : -1e300, color: color(s.color) })) } : {}),
    });
  });
  const variables = (root.templating?.list ?? []).flatMap((v) => {
    const q = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
    const source = v.type === 'query' && v.name ? labelValues(q) : undefined;
    if (!source || !v.name || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(v.name)) {
      if (v.name && v.type !== 'datasource' && v.type !== 'interval') skipped.push(`variable ${v.name}: only label_values(…) queries are imported`);
      return [];
    }
    const current = Array.isArray(v.current?.value) ? v.current.value[0] : v.current?.value;
    return [{ name: v.name, ...source, ...(current && current !== '$__all' ? { default: current } : {}) }];
  });
  const spec: DashboardSpec = {
    title: (root.title || 'Imported dashboard').slice(0, 200),
    ...(root.description ? { description: root.description.slice(0, 2000) } : {}),
    tags: [...(root.tags ?? []).slice(0, 19), 'grafana'],
    time: { from: root.time?.from ?? 'now-6h', to: root.time?.to ?? 'now' },
    ...(root.refresh ? { refresh: root.refresh } : {}),
    ...(variables.length ? { variables } : {}),
    widgets,
  };
  return { spec, skipped };
}
