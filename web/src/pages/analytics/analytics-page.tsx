import { useUrlState } from '../../lib/router';
import { FunnelView } from './funnel-view';
import { JourneyView } from './journey-view';
import { KpiCards } from './kpi-cards';
import { RetentionView } from './retention-view';
import { TrendView } from './trend-view';

const TABS = [
  { id: 'trends', title: 'Trends' },
  { id: 'funnel', title: 'Funnel' },
  { id: 'retention', title: 'Retention' },
  { id: 'journeys', title: 'Journeys' },
  { id: 'kpis', title: 'KPIs' },
] as const;

/** Product analytics: trends with breakdowns, funnels, retention cohorts, user journeys and paths, KPI cards. */
export default function AnalyticsPage() {
  const [url, setUrl] = useUrlState();
  const tab = TABS.find((t) => t.id === url.get('tab'))?.id ?? 'trends';
  return (
    <section className="page analytics">
      <h1>Analytics</h1>
      <div className="tabs page-tabs" role="tablist">
        {TABS.map((t) => <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => { navigateTab(setUrl, t.id); }}>{t.title}</button>)}
      </div>
      {tab === 'trends' && <TrendView />}
      {tab === 'funnel' && <FunnelView />}
      {tab === 'retention' && <RetentionView />}
      {tab === 'journeys' && <JourneyView />}
      {tab === 'kpis' && <KpiCards />}
    </section>
  );
}

function navigateTab(setUrl: (c: Record<string, string>, push?: boolean) => void, id: string): void {
  const q = new URLSearchParams(window.location.search);
  const clear = Object.fromEntries([...q.keys()].map((k) => [k, '']));
  setUrl({ ...clear, tab: id === 'trends' ? '' : id }, true);
}

