import { useMemo, useState } from 'react';
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { apiFetch, useApi } from '../../api/fetch';
import type { DashboardDoc, DashboardSpec, Widget } from '../../api/types';
import { ErrorBox, Loading } from '../../components/status';
import { TimeRangePicker, resolveRange } from '../../components/time-range-picker';
import { download } from '../../lib/export';
import { navigate, useUrlState } from '../../lib/router';
import { htmlReport } from './html-report';
import { useLive, type WidgetData } from './use-live';
import { VariableBar } from './variable-bar';
import { WidgetEditor } from './widget-editor';
import { WidgetView, widgetCsv } from './widget-view';

/** A free widget id: `w1`, `w2`, … */
function nextId(spec: DashboardSpec): string {
  const used = new Set(spec.widgets.map((w) => w.id));
  let n = spec.widgets.length + 1;
  while (used.has(`w${n}`)) n++;
  return `w${n}`;
}

/**
 * One dashboard, live: widgets on a 12-column grid fed over a WebSocket; time range and
 * variables in the URL. In edit mode widgets can be dragged, resized, added, edited and
 * removed; Save stores a new version (refused when someone saved in between). Exports as JSON
 * or as a self-contained HTML report.
 */
export function DashboardView({ id }: { id: string }) {
  const doc = useApi<DashboardDoc>(`/api/v1/dashboards/${encodeURIComponent(id)}`);
  const [url, setUrl] = useUrlState();
  const [draft, setDraft] = useState<{ base: number; spec: DashboardSpec }>();
  const [editing, setEditing] = useState<Widget>();
  const [error, setError] = useState<string>();
  const editMode = url.get('edit') === '1';
  const saved = doc.data;
  const spec = draft?.spec ?? saved?.dashboard;
  const from = url.get('from') ?? spec?.time?.from ?? 'now-1h';
  const to = url.get('to') ?? spec?.time?.to ?? 'now';
  const variables = useMemo(() => Object.fromEntries((spec?.variables ?? []).map((v) => [v.name, url.get(`var-${v.name}`) ?? v.default ?? ''])), [spec?.variables, url]);
  const live = useLive(spec, from, to, variables);
  // The charts' time axis: the range as of the newest data (the server's clock when it evaluated).
  const newest = Math.max(0, ...Object.values(live.widgets).map((w) => w.at));
  const range = useMemo((): [number, number] | undefined => {
    if (newest === 0) return undefined;
    try {
      const r = resolveRange({ from, to }, newest / 1000);
      return [r.start, r.end];
    } catch {
      return undefined;
    }
  }, [from, to, newest]);

  if (doc.error) {
    return (
      <section className="page">
        <h1>Dashboard</h1>
        <ErrorBox message={doc.error} onRetry={doc.reload} />
        <p><a href="/dashboards" onClick={(e) => { e.preventDefault(); navigate('/dashboards'); }}>All dashboards</a></p>
      </section>
    );
  }
  if (!saved || !spec) return <Loading />;
  const dirty = draft !== undefined;
  const change = (next: DashboardSpec) => { setDraft({ base: draft?.base ?? saved.version, spec: next }); };

  const save = () => {
    if (!draft) return;
    apiFetch<{ version: number }>(`/api/v1/dashboards/${id}`, { method: 'PUT', body: { version: draft.base, dashboard: draft.spec } }).then(() => {
      setError(undefined);
      setDraft(undefined);
      doc.reload();
      setUrl({ edit: '' });
    }, (err: unknown) => { setError((err as Error).message); });
  };
  const putWidget = (w: Widget) => {
    const exists = spec.widgets.some((x) => x.id === w.id);
    change({ ...spec, widgets: exists ? spec.widgets.map((x) => (x.id === w.id ? w : x)) : [...spec.widgets, w] });
    setEditing(undefined);
  };

  return (
    <section className="page dashboard">
      <p><a href="/dashboards" onClick={(e) => { e.preventDefault(); navigate('/dashboards'); }}>← Dashboards</a></p>
      <div className="dashboard-head">
        <h1>{spec.title}{dirty && <span className="badge">unsaved</span>}</h1>
        <span className={`live-status ${live.status}`} aria-live="polite">{live.status === 'live' ? '● live' : live.status}</span>
        <TimeRangePicker value={{ from, to }} onChange={(r) => { setUrl({ from: r.from, to: r.to }, true); }} />
        {editMode ? (
          <>
            <button type="button" className="btn" onClick={() => { setEditing({ id: nextId(spec), type: 'timeseries', title: '', layout: { x: 0, y: 1000, w: 6, h: 8 }, query: { kind: 'promql', expr: '' } }); }}>Add widget</button>
            <button type="button" className="btn primary" disabled={!dirty} onClick={save}>Save</button>
            <button type="button" className="btn" onClick={() => { setDraft(undefined); setUrl({ edit: '' }); }}>{dirty ? 'Discard' : 'Done'}</button>
          </>
        ) : <button type="button" className="btn" onClick={() => { setUrl({ edit: '1' }); }}>Edit</button>}
        <button type="button" className="btn small" onClick={() => { download(`${id}.json`, JSON.stringify(spec, null, 2), 'application/json'); }}>JSON</button>
        <button type="button" className="btn small" onClick={() => { download(`${id}.html`, htmlReport(spec, live.widgets, `${from} → ${to}`), 'text/html'); }}>HTML report</button>
      </div>
      <p className="muted small">version {saved.version}{spec.description ? ` · ${spec.description}` : ''}</p>
      {(spec.variables ?? []).length > 0 && <VariableBar variables={spec.variables ?? []} values={variables} onChange={(name, value) => { setUrl({ [`var-${name}`]: value }, true); }} />}
      {error && <ErrorBox message={error} />}
      {live.error && <ErrorBox message={live.error} />}
      {editing && <WidgetEditor key={editing.id} widget={editing} onSave={putWidget} onCancel={() => { setEditing(undefined); }} />}
      {spec.widgets.length === 0 && <p className="empty">No widgets yet{editMode ? ': add one.' : '. Press Edit to add some.'}</p>}
      <DashboardGrid spec={spec} editMode={editMode} widgets={live.widgets} range={range} onChange={change} onEdit={setEditing} />
    </section>
  );
}

/** The widgets on a 12-column grid (one column on narrow screens); draggable and resizable in edit mode. */
function DashboardGrid({ spec, editMode, widgets, range, onChange, onEdit }: {
  spec: DashboardSpec; editMode: boolean; widgets: Record<string, WidgetData>; range: [number, number] | undefined;
  onChange: (s: DashboardSpec) => void; onEdit: (w: Widget) => void;
}) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true });
  const narrow = width < 700;
  // On a narrow screen the widgets stack in one column, in reading order (top to bottom, left to right).
  let y = 0;
  const layout: Layout = narrow
    ? [...spec.widgets].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x).map((w) => {
      const item = { i: w.id, x: 0, y, w: 1, h: w.layout.h, static: true };
      y += w.layout.h;
      return item;
    })
    : spec.widgets.map((w) => ({ i: w.id, ...w.layout, static: !editMode }));
  return (
    <div ref={containerRef}>
      {mounted && (
        <ReactGridLayout
          layout={layout}
          width={width}
          gridConfig={{ cols: narrow ? 1 : 12, rowHeight: 30, containerPadding: [0, 0] }}
          dragConfig={{ enabled: editMode, handle: '.widget-title' }}
          resizeConfig={{ enabled: editMode }}
          onLayoutChange={(next) => {
            if (!editMode || narrow) return;
            const moved = spec.widgets.map((w) => {
              const l = next.find((x) => x.i === w.id);
              return l && (l.x !== w.layout.x || l.y !== w.layout.y || l.w !== w.layout.w || l.h !== w.layout.h) ? { ...w, layout: { x: l.x, y: l.y, w: l.w, h: l.h } } : w;
            });
            if (moved.some((w, i) => w !== spec.widgets[i])) onChange({ ...spec, widgets: moved });
          }}
        >
          {spec.widgets.map((w) => {
            const d = widgets[w.id];
            return (
              <div key={w.id} className="widget" data-widget={w.id} aria-label={`widget ${w.title}`}>
                <div className="widget-title">
                  <span>{w.title}</span>
                  {!editMode && d?.data !== undefined && (
                    <span className="widget-actions export">
                      <button type="button" className="btn small" title="download this widget's data as CSV" onClick={() => { const csv = widgetCsv(w, d.data); if (csv) download(`${w.id}.csv`, csv, 'text/csv'); }}>CSV</button>
                      <button type="button" className="btn small" title="download this widget's data as JSON" onClick={() => { download(`${w.id}.json`, JSON.stringify(d.data, null, 2), 'application/json'); }}>JSON</button>
                    </span>
                  )}
                  {editMode && (
                    <span className="widget-actions">
                      <button type="button" className="btn small" onClick={() => { onEdit(w); }}>Edit</button>
                      <button type="button" className="btn small" aria-label={`remove ${w.title}`} onClick={() => { onChange({ ...spec, widgets: spec.widgets.filter((x) => x.id !== w.id) }); }}>✕</button>
                    </span>
                  )}
                </div>
                <div className="widget-body">
                  {d?.error ? <p className="error-text small">{d.error}</p> : w.type !== 'text' && !d ? <p className="muted small">Loading…</p> : <WidgetView widget={w} data={d?.data} {...(range ? { range } : {})} />}
                </div>
              </div>
            );
          })}
        </ReactGridLayout>
      )}
    </div>
  );
}
