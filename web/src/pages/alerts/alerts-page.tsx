import { usePageTabs } from '../../components/page-tabs';
import { ActiveAlerts } from './active-alerts';
import { AlertHistory } from './alert-history';
import { RuleList } from './rule-list';
import { Silences } from './silences';
import { KpiCards } from '../analytics/kpi-cards';

const TABS = [
  { id: 'alerts', title: 'Alerts' },
  { id: 'rules', title: 'Rules' },
  { id: 'silences', title: 'Silences' },
  { id: 'history', title: 'History' },
  { id: 'kpis', title: 'KPI thresholds' },
] as const;

/** Alerting: active alerts (silence, acknowledge), rules with their state, silences, and the history of alerts and notifications. */
export default function AlertsPage() {
  const { tab, bar } = usePageTabs(TABS, () => ['silence']);
  return (
    <section className="page alerts">
      <h1>Alerts</h1>
      {bar}
      {tab === 'alerts' && <ActiveAlerts />}
      {tab === 'rules' && <RuleList />}
      {tab === 'silences' && <Silences />}
      {tab === 'history' && <AlertHistory />}
      {tab === 'kpis' && <KpiCards editable />}
    </section>
  );
}
