import { useLocation } from '../../lib/router';
import { IssueList } from './issue-list';
import { IssueView } from './issue-view';

/** `/errors` lists issues; `/errors/<project>/<fingerprint>` shows one. */
export default function ErrorsPage() {
  const { path } = useLocation();
  const m = /^\/errors\/([^/]+)\/([^/]+)$/.exec(path);
  return m ? <IssueView project={decodeURIComponent(m[1]!)} fingerprint={decodeURIComponent(m[2]!)} /> : <IssueList />;
}
