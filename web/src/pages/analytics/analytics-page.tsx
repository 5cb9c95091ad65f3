import { usePageTabs } from '../../components/page-tabs';
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
  // Each tab has its own query keys: switching tabs starts from a clean URL.
  const { tab, bar } = usePageTabs(TABS, (keys) => keys);
  return (
    <section className="page analytics">
      <h1>Analytics</h1>
      {bar}
      {tab === 'trends' && <TrendView />}
      {tab === 'funnel' && <FunnelView />}
      {tab === 'retention' && <RetentionView />}
      {tab === 'journeys' && <JourneyView />}
      {tab === 'kpis' && <KpiCards />}
    </section>
  );
}

