import { useEffect, useState } from 'react';
import { apiFetch } from '../../api/fetch';
import type { FunnelBreakdown } from '../../api/types';
import { FunnelChart } from '../../components/funnel-chart';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { useUrlState } from '../../lib/router';
import { DAY_RANGES, daysRange } from './day-range';

/** A funnel: ordered steps (each an event, optionally filtered) within a conversion window, optionally per breakdown value. */
export function FunnelView() {
  const [url, setUrl] = useUrlState();
  const steps = (url.get('steps') ?? '$pageview,signup').split(',');
  const f = { window: url.get('window') ?? '1d', breakdown: url.get('breakdown') ?? '', days: url.get('days') ?? '30' };
  const [draft, setDraft] = useState({ steps, ...f });
  const [result, setResult] = useState<{ key: string; data?: FunnelBreakdown[]; error?: string }>({ key: '' });
  const key = url.toString();

  useEffect(() => {
    const ctl = new AbortController();
    const r = daysRange(f.days, Math.floor(Date.now() / 1000));
    apiFetch<FunnelBreakdown[]>('/api/v1/analytics/funnel', { method: 'POST', signal: ctl.signal, body: {
      steps: steps.filter(Boolean).map((event) => ({ event })), window: f.window, ...r, ...(f.breakdown ? { breakdown: f.breakdown } : {}),
    } }).then((data) => { setResult({ key, data }); }, (err: unknown) => { if (!ctl.signal.aborted) setResult({ key, error: (err as Error).message }); });
    return () => { ctl.abort(); };
    // The URL (key) holds every input of the query.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return (
    <>
      <form className="filters funnel-form" onSubmit={(e) => { e.preventDefault(); setUrl({ steps: draft.steps.map((s) => s.trim()).filter(Boolean).join(','), window: draft.window, breakdown: draft.breakdown, days: draft.days }, true); }}>
        {draft.steps.map((s, i) => (
          <span key={i} className="funnel-input">
            <input aria-label={`step ${i + 1}`} value={s} onChange={(e) => { setDraft({ ...draft, steps: draft.steps.map((x, k) => (k === i ? e.target.value : x)) }); }} />
            {draft.steps.length > 2 && <button type="button" className="btn small" aria-label={`remove step ${i + 1}`} onClick={() => { setDraft({ ...draft, steps: draft.steps.filter((_, k) => k !== i) }); }}>✕</button>}
          </span>
        ))}
        <button type="button" className="btn small" onClick={() => { setDraft({ ...draft, steps: [...draft.steps, ''] }); }}>+ Step</button>
        <label className="inline">Window <input size={5} value={draft.window} onChange={(e) => { setDraft({ ...draft, window: e.target.value }); }} /></label>
        <input aria-label="breakdown" placeholder="breakdown by property" value={draft.breakdown} onChange={(e) => { setDraft({ ...draft, breakdown: e.target.value }); }} />
        <select aria-label="range" value={draft.days} onChange={(e) => { setDraft({ ...draft, days: e.target.value }); }}>
          {DAY_RANGES.map((d) => <option key={d} value={d}>Last {d} day{d === '1' ? '' : 's'}</option>)}
        </select>
        <button type="submit" className="btn primary">Calculate</button>
      </form>
      {result.key === key && result.error && <ErrorBox message={result.error} />}
      {result.key !== key && <Loading />}
      {result.key === key && result.data?.length === 0 && <Empty>Nobody did the first step in this range.</Empty>}
      {result.key === key && result.data?.map((r) => <FunnelChart key={r.breakdown} result={r} />)}
    </>
  );
}
