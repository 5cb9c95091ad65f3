import { useMemo, useState } from 'react';
import { useApi } from '../../api/fetch';
import type { TrendPoint } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { TimeSeriesChart } from '../../components/time-series-chart';
import { download, toCsv } from '../../lib/export';
import { useUrlState } from '../../lib/router';
import { trendSeries } from '../../lib/series';
import { DAY_RANGES, daysRange } from './day-range';

/** Event trends: count, unique people, sum or average of a property per interval, split by a property; DAU/WAU/MAU. */
export function TrendView() {
  const [url, setUrl] = useUrlState();
  const f = {
    event: url.get('event') ?? '$pageview', measure: url.get('measure') ?? 'count', property: url.get('property') ?? '',
    interval: url.get('interval') ?? 'day', breakdown: url.get('breakdown') ?? '', filter: url.get('filter') ?? '', days: url.get('days') ?? '30',
  };
  const [draft, setDraft] = useState(f);
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const r = daysRange(f.days, now);
  const active = f.measure === 'active';
  const trend = useApi<TrendPoint[]>(active ? '/api/v1/analytics/active-users' : '/api/v1/analytics/trend', active
    ? { interval: f.interval, ...r }
    : { event: f.event, measure: f.measure, property: f.property, interval: f.interval, breakdown: f.breakdown, filter: f.filter ? f.filter.split(',').map((x) => x.trim()) : undefined, ...r });
  const data = useMemo(() => (trend.data ? trendSeries(trend.data, active ? 'active people' : f.event) : undefined), [trend.data, active, f.event]);
  const set = (k: keyof typeof draft) => (e: { target: { value: string } }) => { setDraft({ ...draft, [k]: e.target.value }); };

  return (
    <>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setUrl({ ...draft }, true); }}>
        <input aria-label="event" placeholder="event" value={draft.event} onChange={set('event')} disabled={draft.measure === 'active'} />
        <select aria-label="measure" value={draft.measure} onChange={set('measure')}>
          <option value="count">Total events</option>
          <option value="users">Unique people</option>
          <option value="sum">Sum of property</option>
          <option value="avg">Average of property</option>
          <option value="active">Active people (DAU/WAU/MAU)</option>
        </select>
        {(draft.measure === 'sum' || draft.measure === 'avg') && <input aria-label="property" placeholder="property, e.g. amount" value={draft.property} onChange={set('property')} />}
        <select aria-label="interval" value={draft.interval} onChange={set('interval')}>
          {['hour', 'day', 'week', 'month'].filter((i) => draft.measure !== 'active' || i !== 'hour').map((i) => <option key={i}>{i}</option>)}
        </select>
        {draft.measure !== 'active' && <input aria-label="breakdown" placeholder="breakdown by property" value={draft.breakdown} onChange={set('breakdown')} />}
        {draft.measure !== 'active' && <input aria-label="filters" placeholder="filters: plan=pro, amount>10" value={draft.filter} onChange={set('filter')} />}
        <select aria-label="range" value={draft.days} onChange={set('days')}>
          {DAY_RANGES.map((d) => <option key={d} value={d}>Last {d} day{d === '1' ? '' : 's'}</option>)}
        </select>
        <button type="submit" className="btn primary">Show</button>
        <button type="button" className="btn small" disabled={!trend.data} onClick={() => { download('trend.csv', toCsv(['time', 'breakdown', 'value'], (trend.data ?? []).map((p) => [new Date(p.time).toISOString(), p.breakdown, p.value])), 'text/csv'); }}>CSV</button>
      </form>
      {trend.error && <ErrorBox message={trend.error} onRetry={trend.reload} />}
      {trend.loading && !trend.data && <Loading />}
      {data && (data.series.length === 0 ? <Empty>No {f.event} events in this range.</Empty> : <TimeSeriesChart data={data} kind="line" />)}
    </>
  );
}
