import { useEffect, useState } from 'react';
import { apiFetch } from '../../api/fetch';
import type { FunnelBreakdown } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { useUrlState } from '../../lib/router';
import { formatSeconds } from '../../lib/time';
import { DAY_RANGES, daysRange } from './day-range';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One funnel as bars: people per step, conversion from the first step, drop-off from the previous one. */
function FunnelChart({ result }: { result: FunnelBreakdown }) {
  const first = Math.max(1, result.steps[0]?.count ?? 0);
  return (
    <div className="funnel" role="list" aria-label={`funnel ${result.breakdown || 'all'}`}>
      {result.breakdown && <h3>{result.breakdown}</h3>}
      {result.steps.map((s, i) => (
        <div key={i} className="funnel-step" role="listitem">
          <div className="funnel-label"><strong>{i + 1}. {s.event}</strong> <span className="muted">{s.count} people · {pct(s.conversion)}</span></div>
          <div className="funnel-track">
            <div className="funnel-bar" style={{ width: `${(s.count / first) * 100}%` }} />
          </div>
          {i > 0 && <div className="small muted funnel-drop">↓ {pct(s.fromPrevious)} from step {i}, {s.dropOff} dropped off</div>}
        </div>
      ))}
      <p className="small muted">Median time to convert: {result.medianSecondsToConvert === null ? '—' : formatSeconds(result.medianSecondsToConvert)}</p>
    </div>
  );
}

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
