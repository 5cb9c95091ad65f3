import { useState } from 'react';
import type { Widget, WidgetQuery, WidgetType } from '../../api/types';

const TYPES: WidgetType[] = ['timeseries', 'stat', 'gauge', 'bar', 'table', 'funnel', 'logs', 'text'];

/** The kind of query a widget type reads by default. */
function defaultQuery(type: WidgetType): WidgetQuery | undefined {
  if (type === 'text') return undefined;
  if (type === 'logs') return { kind: 'logs', limit: 50 };
  if (type === 'funnel') return { kind: 'funnel', steps: ['$pageview', 'signup'] };
  return { kind: 'promql', expr: '' };
}

/** A copy of `w` without `key`. */
function without(w: Widget, key: keyof Widget): Widget {
  const copy = { ...w };
  Reflect.deleteProperty(copy, key);
  return copy;
}

/** Thresholds as text, `0:green, 80:yellow, 95:red`. */
function thresholdsText(w: Widget): string {
  return (w.thresholds ?? []).map((t) => `${t.value}:${t.color}`).join(', ');
}

function parseThresholds(text: string): Widget['thresholds'] {
  const list = text.split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
    const [v, c] = p.split(':');
    return { value: Number(v), color: (c ?? 'green').trim() };
  }).filter((t) => Number.isFinite(t.value));
  return list.length ? list : undefined;
}

/** Edits one widget: type, title, query, refresh, unit and thresholds. */
export function WidgetEditor({ widget, onSave, onCancel }: { widget: Widget; onSave: (w: Widget) => void; onCancel: () => void }) {
  const [w, setW] = useState<Widget>(widget);
  const [thresholds, setThresholds] = useState(thresholdsText(widget));
  const q = w.query;
  const setQuery = (change: Partial<WidgetQuery>) => { setW({ ...w, query: { ...q, ...change } as WidgetQuery }); };
  return (
    <form className="widget-editor" aria-label="edit widget" onSubmit={(e) => {
      e.preventDefault();
      const t = parseThresholds(thresholds);
      onSave(t ? { ...w, thresholds: t } : without(w, 'thresholds'));
    }}>
      <h2>{widget.title ? `Edit “${widget.title}”` : 'New widget'}</h2>
      <label>Title <input value={w.title} onChange={(e) => { setW({ ...w, title: e.target.value }); }} /></label>
      <label>Type
        <select value={w.type} onChange={(e) => {
          const type = e.target.value as WidgetType;
          const kind = defaultQuery(type)?.kind;
          const query = kind === undefined ? undefined : q?.kind === kind || (kind === 'promql' && q?.kind === 'analytics') ? q : defaultQuery(type);
          setW(query ? { ...w, type, query } : without({ ...w, type }, 'query'));
        }}>
          {TYPES.map((t) => <option key={t}>{t}</option>)}
        </select>
      </label>
      {q && q.kind !== 'logs' && q.kind !== 'funnel' && (
        <label>Source
          <select value={q.kind} onChange={(e) => { setW({ ...w, query: e.target.value === 'analytics' ? { kind: 'analytics', event: '$pageview', interval: 'day' } : { kind: 'promql', expr: '' } }); }}>
            <option value="promql">PromQL</option>
            <option value="analytics">Events</option>
          </select>
        </label>
      )}
      {q?.kind === 'promql' && <label>PromQL <input className="mono grow" aria-label="widget query" value={q.expr} onChange={(e) => { setQuery({ expr: e.target.value }); }} /></label>}
      {q?.kind === 'promql' && <label>Legend <input placeholder="{{label}}" value={q.legend ?? ''} onChange={(e) => { setQuery({ legend: e.target.value }); }} /></label>}
      {q?.kind === 'analytics' && (
        <>
          <label>Event <input value={q.event ?? ''} onChange={(e) => { setQuery({ event: e.target.value }); }} /></label>
          <label>Measure
            <select value={q.measure ?? 'count'} onChange={(e) => { setQuery({ measure: e.target.value as 'count' }); }}>
              {['count', 'users', 'sum', 'avg', 'active'].map((m) => <option key={m}>{m}</option>)}
            </select>
          </label>
          <label>Breakdown <input value={q.breakdown ?? ''} onChange={(e) => { setQuery({ breakdown: e.target.value }); }} /></label>
        </>
      )}
      {q?.kind === 'logs' && (
        <>
          <label>Words <input value={q.q ?? ''} onChange={(e) => { setQuery({ q: e.target.value }); }} /></label>
          <label>Service <input value={q.service ?? ''} onChange={(e) => { setQuery({ service: e.target.value }); }} /></label>
          <label>Severity <input value={q.severity ?? ''} placeholder="ERROR,WARN" onChange={(e) => { setQuery({ severity: e.target.value }); }} /></label>
        </>
      )}
      {q?.kind === 'funnel' && <label>Steps <input value={q.steps.join(', ')} onChange={(e) => { setQuery({ steps: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) }); }} /></label>}
      {w.type === 'text' && <label>Text <textarea rows={5} value={w.text ?? ''} onChange={(e) => { setW({ ...w, text: e.target.value }); }} /></label>}
      <label>Refresh <input placeholder="dashboard's" size={6} value={w.refresh ?? ''} onChange={(e) => { setW(e.target.value ? { ...w, refresh: e.target.value } : without(w, 'refresh')); }} /></label>
      <label>Unit <input size={8} placeholder="bytes, %, s" value={w.unit ?? ''} onChange={(e) => { setW(e.target.value ? { ...w, unit: e.target.value } : without(w, 'unit')); }} /></label>
      <label>Thresholds <input placeholder="0:green, 80:yellow, 95:red" value={thresholds} onChange={(e) => { setThresholds(e.target.value); }} /></label>
      <div className="matcher-row">
        <button type="submit" className="btn primary">Apply</button>
        <button type="button" className="btn" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
