import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { apiFetch, apiUrl, useApi, type Params } from '../../api/fetch';
import type { FacetValue, LogHistogram, LogRecord, LogsPage } from '../../api/types';
import { BarChart, toBars } from '../../components/bar-chart';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { TimeRangePicker, tryResolveRange, type TimeRangeValue } from '../../components/time-range-picker';
import { VirtualList } from '../../components/virtual-list';
import { download, toCsv } from '../../lib/export';
import { useUrlState } from '../../lib/router';
import { toggled } from '../../lib/sets';
import { LogRow, recordKey } from './log-row';

const PAGE = 200;

/**
 * Log search: words and phrases, service, severity and attribute filters over a time range; a
 * count histogram by severity; the matching lines newest first in a virtualised list that loads
 * further pages as it scrolls; live tail over Server-Sent Events.
 */
export default function LogsPage() {
  const [url, setUrl] = useUrlState();
  const range: TimeRangeValue = { from: url.get('from') ?? 'now-1h', to: url.get('to') ?? 'now' };
  const filter = { q: url.get('q') ?? '', service: url.get('service') ?? '', severity: url.get('severity') ?? '', attr: url.get('attr') ?? '', trace_id: url.get('trace_id') ?? '' };
  const [draft, setDraft] = useState(filter.q);
  const [attrDraft, setAttrDraft] = useState(filter.attr);
  const [runs, setRuns] = useState(0);
  const [live, setLive] = useState(false);

  // `runs` re-resolves relative times each time the user searches.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const times = useMemo(() => tryResolveRange(range), [range.from, range.to, runs]);

  const params: Params = useMemo(() => ({
    q: filter.q, service: filter.service, severity: filter.severity, trace_id: filter.trace_id,
    attr: filter.attr ? filter.attr.split(',').map((a) => a.trim()).filter(Boolean) : undefined,
    start: times.start, end: times.end,
  }), [filter.q, filter.service, filter.severity, filter.attr, filter.trace_id, times.start, times.end]);

  const ok = times.error === undefined;
  const histogram = useApi<LogHistogram>(ok ? '/api/v1/logs/histogram' : null, { ...params, by: 'severity' });
  const services = useApi<FacetValue[]>(ok ? '/api/v1/logs/facets' : null, { start: times.start, end: times.end, field: 'service', limit: 100 });

  // The lines shown, for the filter they were fetched with (`key`); later pages are appended.
  const key = JSON.stringify(params);
  const [shown, setShown] = useState<{ key: string; records: LogRecord[]; cursor: string | null; error?: string }>({ key: '', records: [], cursor: null });
  const fetching = useRef(false);

  useEffect(() => {
    if (!ok) return;
    const ctl = new AbortController();
    apiFetch<LogsPage>('/api/v1/logs', { params: { ...params, limit: PAGE }, signal: ctl.signal }).then(
      (page) => { setShown({ key, records: page.records, cursor: page.nextCursor }); },
      (err: unknown) => { if (!ctl.signal.aborted) setShown({ key, records: [], cursor: null, error: (err as Error).message }); },
    );
    return () => { ctl.abort(); };
  }, [key, params, ok]);

  useEffect(() => {
    if (!live || !ok) return;
    const source = new EventSource(apiUrl('/api/v1/logs/tail', { ...params, start: undefined, end: undefined }));
    source.addEventListener('logs', (e) => {
      const fresh = JSON.parse((e as MessageEvent<string>).data) as LogRecord[];
      setShown((s) => ({ ...s, records: [...fresh.reverse(), ...s.records].slice(0, 10_000), error: undefined }));
    });
    source.onerror = () => { setShown((s) => ({ ...s, error: 'live tail disconnected; reconnecting' })); };
    return () => { source.close(); };
  }, [live, params, ok]);

  const loading = shown.key !== key;
  const { records, cursor, error } = loading ? { records: [], cursor: null, error: undefined } : shown;
  const more = useCallback(() => {
    if (!cursor || fetching.current || live) return;
    fetching.current = true;
    apiFetch<LogsPage>('/api/v1/logs', { params: { ...params, limit: PAGE, cursor } }).then(
      (page) => { setShown((s) => (s.key === key ? { ...s, records: [...s.records, ...page.records], cursor: page.nextCursor } : s)); },
      (err: unknown) => { setShown((s) => ({ ...s, error: (err as Error).message })); },
    ).finally(() => { fetching.current = false; });
  }, [cursor, params, key, live]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) => { setOpen((o) => toggled(o, key)); };

  const search = () => {
    setRuns((n) => n + 1);
    setUrl({ q: draft.trim(), attr: attrDraft.trim() }, true);
  };
  const bars = histogram.data ? toBars(histogram.data.buckets, histogram.data.step, times.start, times.end) : undefined;

  return (
    <section className="page logs">
      <h1>Logs</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); search(); }}>
        <input className="terms" aria-label="search terms" placeholder='Words or "a phrase"' value={draft} onChange={(e) => { setDraft(e.target.value); }} />
        <select aria-label="service" value={filter.service} onChange={(e) => { setUrl({ service: e.target.value }, true); }}>
          <option value="">All services</option>
          {(services.data ?? []).map((s) => <option key={s.value} value={s.value}>{s.value} ({s.count})</option>)}
          {filter.service && !(services.data ?? []).some((s) => s.value === filter.service) && <option value={filter.service}>{filter.service}</option>}
        </select>
        <select aria-label="severity" value={filter.severity} onChange={(e) => { setUrl({ severity: e.target.value }, true); }}>
          <option value="">All severities</option>
          {['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'].map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <input aria-label="attribute filters" placeholder="attr: key=value, key!=v, key=~re" value={attrDraft} onChange={(e) => { setAttrDraft(e.target.value); }} />
        <TimeRangePicker value={range} onChange={(r) => { setUrl({ from: r.from, to: r.to }, true); }} />
        <button type="submit" className="btn primary">Search</button>
        <label className="inline"><input type="checkbox" checked={live} onChange={(e) => { setLive(e.target.checked); }} /> Live tail</label>
        <button type="button" className="btn small" disabled={records.length === 0} onClick={() => {
          download('logs.csv', toCsv(['time_unix_nano', 'service', 'severity', 'body', 'trace_id', 'span_id'], records.map((r) => [r.timeUnixNano, r.serviceName, r.severityText, r.body, r.traceId, r.spanId])), 'text/csv');
        }}>CSV</button>
      </form>
      {filter.trace_id && <p className="muted">Lines of trace <code>{filter.trace_id}</code> <button type="button" className="link" onClick={() => { setUrl({ trace_id: '' }, true); }}>clear</button></p>}
      {times.error && <ErrorBox message={times.error} />}
      {histogram.error && <ErrorBox message={histogram.error} onRetry={histogram.reload} />}
      {bars && <BarChart bars={bars} onPick={(s, e) => { setUrl({ from: String(s), to: String(e) }, true); }} />}
      {error && <ErrorBox message={error} />}
      {live && <p className="live" aria-live="polite">● Live: new lines appear at the top</p>}
      {records.length > 0
        ? <VirtualList items={records} rowHeight={27} height={560} itemKey={recordKey} onEnd={more} label="log lines"
          render={(r) => <LogRow record={r} open={open.has(recordKey(r))} onToggle={() => { toggle(recordKey(r)); }} />} />
        : loading ? <Loading /> : !error && ok && <Empty>No log lines match in this range.</Empty>}
      <p className="muted small">{records.length} line(s) shown{cursor && !live ? ', scroll for more' : ''}</p>
    </section>
  );
}
