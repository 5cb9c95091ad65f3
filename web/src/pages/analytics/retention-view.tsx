import { useState } from 'react';
import { useApi } from '../../api/fetch';
import type { RetentionCohort } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { useUrlState } from '../../lib/router';

/** Retention cohorts as a grid: a row per cohort (period of first start event), a cell per later period, shaded by rate. */
export function RetentionView() {
  const [url, setUrl] = useUrlState();
  const f = { start_event: url.get('start_event') ?? 'signup', return_event: url.get('return_event') ?? '$pageview', period: url.get('period') ?? 'week', periods: url.get('periods') ?? '8' };
  const [draft, setDraft] = useState(f);
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const span = { day: 86_400, week: 7 * 86_400, month: 31 * 86_400 }[f.period] ?? 7 * 86_400;
  const cohorts = useApi<RetentionCohort[]>('/api/v1/analytics/retention', { ...f, start: now - Number(f.periods) * span, end: now });
  const set = (k: keyof typeof draft) => (e: { target: { value: string } }) => { setDraft({ ...draft, [k]: e.target.value }); };
  const periods = Number(f.periods);
  return (
    <>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setUrl({ ...draft }, true); }}>
        <label className="inline">People who did <input aria-label="start event" value={draft.start_event} onChange={set('start_event')} /></label>
        <label className="inline">and came back to <input aria-label="return event" value={draft.return_event} onChange={set('return_event')} /></label>
        <select aria-label="period" value={draft.period} onChange={set('period')}>{['day', 'week', 'month'].map((p) => <option key={p}>{p}</option>)}</select>
        <input aria-label="periods" size={3} value={draft.periods} onChange={set('periods')} />
        <button type="submit" className="btn primary">Show</button>
      </form>
      {cohorts.error && <ErrorBox message={cohorts.error} onRetry={cohorts.reload} />}
      {cohorts.loading && <Loading />}
      {!cohorts.loading && cohorts.data?.length === 0 && <Empty>No one did {f.start_event} in this range.</Empty>}
      {!cohorts.loading && cohorts.data && cohorts.data.length > 0 && (
        <div className="scroll-x">
          <table className="data retention">
            <thead><tr><th>Cohort</th><th className="num">People</th>{Array.from({ length: periods }, (_, i) => <th key={i} className="num">{f.period} {i}</th>)}</tr></thead>
            <tbody>
              {cohorts.data.map((c) => (
                <tr key={c.cohort}>
                  <td>{new Date(c.cohort).toISOString().slice(0, 10)}</td>
                  <td className="num">{c.size}</td>
                  {Array.from({ length: periods }, (_, i) => {
                    const rate = c.rates[i];
                    return rate === undefined ? <td key={i} /> : (
                      <td key={i} className="num cell" title={`${c.returned[i]} of ${c.size}`} style={{ background: `color-mix(in srgb, var(--accent) ${Math.round(rate * 85)}%, transparent)` }}>
                        {(rate * 100).toFixed(0)}%
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
