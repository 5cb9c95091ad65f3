import { useLocation } from '../../lib/router';
import { DashboardList } from './dashboard-list';
import { DashboardView } from './dashboard-view';

/** `/dashboards` lists dashboards; `/dashboards/<id>` shows one live. */
export default function DashboardsPage() {
  const { path } = useLocation();
  const id = /^\/dashboards\/([^/]+)$/.exec(path)?.[1];
  return id ? <DashboardView key={id} id={decodeURIComponent(id)} /> : <DashboardList />;
}
