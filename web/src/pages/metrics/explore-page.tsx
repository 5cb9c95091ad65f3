import { useMemo, useState } from 'react';
import { apiUrl, useApi } from '../../api/fetch';
import type { QueryData } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { TimeRangePicker, resolveRange, type TimeRangeValue } from '../../components/time-range-picker';
import { TimeSeriesChart, type ChartKind } from '../../components/time-series-chart';
import { download, toCsv, type Cell } from '../../lib/export';
import { readHistory, remember } from '../../lib/query-history';
import { useUrlState } from '../../lib/router';
import { alignMatrix, seriesLabel } from '../../lib/series';
import { autoStep, durationSeconds, formatTime } from '../../lib/time';
import { PromqlEditor } from './promql-editor';
import { ResultTable } from './result-table';

/**
 * Explore metrics: a PromQL expression, a time range and step, and its result as a chart
 * (range query) or a table (instant query at the end of the range). Everything that decides the
 * result lives in the URL, so a view can be shared.
 */
export default function ExplorePage() {
  const [url, setUrl] = useUrlState();
  const expr = url.get('expr') ?? '';
  const tab = url.get('tab') === 'table' ? 'table' : 'graph';
  const kind = (['line', 'area', 'stacked'].includes(url.get('kind') ?? '') ? url.get('kind') : 'line') as ChartKind;
  const range: TimeRangeValue = { from: url.get('from') ?? 'now-1h', to: url.get('to') ?? 'now' };
  const stepText = url.get('step') ?? '';
  const [draft, setDraft] = useState(expr);
  const [history, setHistory] = useState(() => readHistory('promql'));
  const [runs, setRuns] = useState(0);
  // The URL's expression changed (history navigation, a history entry): show it in the editor.
  const [shown, setShown] = useState(expr);
  if (shown !== expr) {
    setShown(expr);
    setDraft(expr);
  }

  const resolved = useMemo(() => {
    try {
      const r = resolveRange(range);
      const step = stepText ? (/^\d+(\.\d+)?$/.test(stepText) ? Number(stepText) : durationSeconds(stepText)) : autoStep(r.end - r.start);
      if (!(step > 0)) throw new Error(`step "${stepText}": a number of seconds or a duration like 30s`);
      return { ...r, step, error: undefined };
    } catch (err) {
      return { start: 0, end: 0, step: 0, error: (err as Error).message };
    }
    // `runs` re-resolves relative times each time the user presses Run.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [range.from, range.to, stepText, runs]);

  const active = expr !== '' && resolved.error === undefined;
  const rangeQ = useApi<QueryData>(active && tab === 'graph' ? '/api/v1/query_range' : null, { query: expr, start: resolved.start, end: resolved.end, step: resolved.step });
  const instantQ = useApi<QueryData>(active && tab === 'table' ? '/api/v1/query' : null, { query: expr, time: resolved.end });
  const q = tab === 'graph' ? rangeQ : instantQ;

  const run = () => {
    setHistory(remember('promql', draft));
    setRuns((n) => n + 1);
    setUrl({ expr: draft }, true);
  };

  const aligned = useMemo(() => (rangeQ.data?.resultType === 'matrix' ? alignMatrix(rangeQ.data.result) : undefined), [rangeQ.data]);

  const exportCsv = () => {
    const d = q.data;
    if (!d) return;
    const rows: Cell[][] = [];
    if (d.resultType === 'matrix') for (const s of d.result) for (const [t, v] of s.values) rows.push([seriesLabel(s.metric), t, v]);
    else if (d.resultType === 'vector') for (const s of d.result) rows.push([seriesLabel(s.metric), s.value[0], s.value[1]]);
    else rows.push(['', d.result[0], d.result[1]]);
    download('query.csv', toCsv(['series', 'time', 'value'], rows), 'text/csv');
  };

  return (
    <section className="page explore">
      <h1>Explore metrics</h1>
      <div className="query-bar">
        <PromqlEditor value={draft} onChange={setDraft} onRun={run} />
        <button type="button" className="btn primary" onClick={run}>Run</button>
      </div>
      <div className="toolbar">
        <TimeRangePicker value={range} onChange={(r) => { setUrl({ from: r.from, to: r.to }, true); }} />
        <label className="inline">Step <input className="step" placeholder={resolved.step ? `auto (${resolved.step}s)` : 'auto'} defaultValue={stepText} onBlur={(e) => { setUrl({ step: e.target.value.trim() }); }} /></label>
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'graph'} onClick={() => { setUrl({ tab: '' }); }}>Graph</button>
          <button type="button" role="tab" aria-selected={tab === 'table'} onClick={() => { setUrl({ tab: 'table' }); }}>Table</button>
        </div>
        {tab === 'graph' && (
          <select aria-label="chart type" value={kind} onChange={(e) => { setUrl({ kind: e.target.value === 'line' ? '' : e.target.value }); }}>
            <option value="line">Lines</option>
            <option value="area">Areas</option>
            <option value="stacked">Stacked</option>
          </select>
        )}
        <button type="button" className="btn small" disabled={!q.data} onClick={exportCsv}>CSV</button>
        <button type="button" className="btn small" disabled={!q.data} onClick={() => { download('query.json', JSON.stringify(q.data, null, 2), 'application/json'); }}>JSON</button>
        {expr && <a className="small" href={apiUrl('/api/v1/export/prometheus', { 'match[]': [expr], start: resolved.start, end: resolved.end })} download="series.prom" title="the raw samples of a series selector, in Prometheus's text format">Raw samples (Prometheus text)</a>}
      </div>
      {resolved.error && <ErrorBox message={resolved.error} />}
      {q.error && <ErrorBox message={q.error} onRetry={q.reload} />}
      {!expr && <Empty>Enter a PromQL expression, e.g. <code>rate(allseer_http_request_duration_seconds_count[5m])</code>, and press Enter.</Empty>}
      {active && q.loading && !q.data && <Loading />}
      {tab === 'graph' && aligned && (aligned.series.length === 0
        ? <Empty>No data in this range.</Empty>
        : <TimeSeriesChart data={aligned} kind={kind} xRange={[resolved.start, resolved.end]} onZoom={(start, end) => { setUrl({ from: String(start), to: String(end) }, true); }} />)}
      {tab === 'table' && instantQ.data && <ResultTable data={instantQ.data} />}
      {active && resolved.end > 0 && <p className="muted small">{formatTime(resolved.start, true)} → {formatTime(resolved.end, true)}, step {resolved.step}s</p>}
      {history.length > 0 && (
        <details className="history">
          <summary>Query history</summary>
          <ul>
            {history.map((h) => (
              <li key={h}><button type="button" className="link mono" onClick={() => { setDraft(h); setUrl({ expr: h }, true); }}>{h}</button></li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
