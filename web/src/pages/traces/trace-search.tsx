import { useMemo, useState } from 'react';
import { useApi } from '../../api/fetch';
import type { TraceSummary } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { TimeRangePicker, tryResolveRange, type TimeRangeValue } from '../../components/time-range-picker';
import { download, toCsv } from '../../lib/export';
import { navigate, useUrlState } from '../../lib/router';
import { formatNanos, logTime } from '../../lib/time';
import { ServiceMap } from './service-map';

/** Trace search: service, operation, attributes, duration bounds and status; results with duration bars; the service map. */
export function TraceSearch() {
  const [url, setUrl] = useUrlState();
  const range: TimeRangeValue = { from: url.get('from') ?? 'now-1h', to: url.get('to') ?? 'now' };
  const f = {
    service: url.get('service') ?? '', operation: url.get('operation') ?? '', attr: url.get('attr') ?? '',
    minDuration: url.get('minDuration') ?? '', maxDuration: url.get('maxDuration') ?? '', status: url.get('status') ?? '',
  };
  const view = url.get('view') === 'map' ? 'map' : 'list';
  const [draft, setDraft] = useState(f);
  const [runs, setRuns] = useState(0);
  // `runs` re-resolves relative times each time the user searches.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const times = useMemo(() => tryResolveRange(range), [range.from, range.to, runs]);
  const ok = times.error === undefined;
  const span = { start: times.start, end: times.end };
  const services = useApi<string[]>(ok ? '/api/v1/traces/services' : null, span);
  const operations = useApi<{ name: string; kind: string }[]>(ok && draft.service ? `/api/v1/traces/services/${encodeURIComponent(draft.service)}/operations` : null, span);
  const traces = useApi<TraceSummary[]>(ok && view === 'list' ? '/api/v1/traces' : null, {
    ...span, service: f.service, operation: f.operation, minDuration: f.minDuration, maxDuration: f.maxDuration, status: f.status, limit: 50,
    attr: f.attr ? f.attr.split(',').map((a) => a.trim()).filter(Boolean) : undefined,
  });
  const longest = Math.max(1, ...(traces.data ?? []).map((t) => Number(t.durationNano)));

  const set = (k: keyof typeof draft) => (e: { target: { value: string } }) => { setDraft({ ...draft, [k]: e.target.value, ...(k === 'service' ? { operation: '' } : {}) }); };

  return (
    <section className="page traces">
      <h1>Traces</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setRuns((n) => n + 1); setUrl({ ...draft }, true); }}>
        <select aria-label="service" value={draft.service} onChange={set('service')}>
          <option value="">All services</option>
          {(services.data ?? []).map((s) => <option key={s}>{s}</option>)}
        </select>
        <select aria-label="operation" value={draft.operation} onChange={set('operation')} disabled={!draft.service}>
          <option value="">All operations</option>
          {(operations.data ?? []).map((o) => <option key={`${o.name}|${o.kind}`} value={o.name}>{o.name}</option>)}
        </select>
        <input aria-label="attribute filters" placeholder="attr: http.status_code=500" value={draft.attr} onChange={set('attr')} />
        <input aria-label="minimum duration" placeholder="min e.g. 100ms" size={10} value={draft.minDuration} onChange={set('minDuration')} />
        <input aria-label="maximum duration" placeholder="max e.g. 2s" size={10} value={draft.maxDuration} onChange={set('maxDuration')} />
        <select aria-label="status" value={draft.status} onChange={set('status')}>
          <option value="">Any status</option>
          <option value="Error">Error</option>
          <option value="Ok">Ok</option>
          <option value="Unset">Unset</option>
        </select>
        <TimeRangePicker value={range} onChange={(r) => { setUrl({ from: r.from, to: r.to }, true); }} />
        <button type="submit" className="btn primary">Find traces</button>
        <button type="button" className="btn small" disabled={!traces.data?.length} onClick={() => {
          download('traces.csv', toCsv(['trace_id', 'start_unix_nano', 'duration_ns', 'spans', 'errors', 'root_service', 'root_span', 'services'],
            (traces.data ?? []).map((t) => [t.traceId, t.startTimeUnixNano, t.durationNano, t.spanCount, t.errorCount, t.rootService, t.rootName, t.services.join(' ')])), 'text/csv');
        }}>CSV</button>
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={view === 'list'} onClick={() => { setUrl({ view: '' }); }}>Traces</button>
          <button type="button" role="tab" aria-selected={view === 'map'} onClick={() => { setUrl({ view: 'map' }); }}>Service map</button>
        </div>
      </form>
      {times.error && <ErrorBox message={times.error} />}
      {view === 'map' ? <ServiceMap start={times.start} end={times.end} /> : (
        <>
          {traces.error && <ErrorBox message={traces.error} onRetry={traces.reload} />}
          {traces.loading && !traces.data && <Loading />}
          {traces.data?.length === 0 && <Empty>No traces match in this range.</Empty>}
          {traces.data && traces.data.length > 0 && (
            <table className="data trace-list">
              <thead><tr><th>Trace</th><th>Start</th><th>Spans</th><th className="bar-cell">Duration</th></tr></thead>
              <tbody>
                {traces.data.map((t) => (
                  <tr key={t.traceId}>
                    <td>
                      <a href={`/traces/${t.traceId}`} onClick={(e) => { e.preventDefault(); navigate(`/traces/${t.traceId}`); }}>
                        <strong>{t.rootService || '?'}</strong>: {t.rootName || '(root span missing)'}
                      </a>
                      {t.errorCount > 0 && <span className="badge err">{t.errorCount} error{t.errorCount > 1 ? 's' : ''}</span>}
                      <div className="muted small mono">{t.traceId} · {t.services.join(', ')}</div>
                    </td>
                    <td className="small">{logTime(t.startTimeUnixNano)}</td>
                    <td>{t.spanCount}</td>
                    <td className="bar-cell">
                      <div className="dur-bar" style={{ width: `${(Number(t.durationNano) / longest) * 100}%` }} />
                      <span className="small">{formatNanos(t.durationNano)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
