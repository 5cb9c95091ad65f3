import { useUrlState } from '../../lib/router';
import { ActiveAlerts } from './active-alerts';
import { AlertHistory } from './alert-history';
import { RuleList } from './rule-list';
import { Silences } from './silences';

const TABS = [
  { id: 'alerts', title: 'Alerts' },
  { id: 'rules', title: 'Rules' },
  { id: 'silences', title: 'Silences' },
  { id: 'history', title: 'History' },
] as const;

/** Alerting: active alerts (silence, acknowledge), rules with their state, silences, and the history of alerts and notifications. */
export default function AlertsPage() {
  const [url, setUrl] = useUrlState();
  const tab = TABS.find((t) => t.id === url.get('tab'))?.id ?? 'alerts';
  return (
    <section className="page alerts">
      <h1>Alerts</h1>
      <div className="tabs page-tabs" role="tablist">
        {TABS.map((t) => <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => { setUrl({ tab: t.id === 'alerts' ? '' : t.id, silence: '' }, true); }}>{t.title}</button>)}
      </div>
      {tab === 'alerts' && <ActiveAlerts />}
      {tab === 'rules' && <RuleList />}
      {tab === 'silences' && <Silences />}
      {tab === 'history' && <AlertHistory />}
    </section>
  );
}
