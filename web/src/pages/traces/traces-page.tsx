import { useLocation } from '../../lib/router';
import { TraceSearch } from './trace-search';
import { TraceView } from './trace-view';

/** `/traces` searches traces (and shows the service map); `/traces/<id>` shows one trace. */
export default function TracesPage() {
  const { path } = useLocation();
  const id = /^\/traces\/([^/]+)$/.exec(path)?.[1];
  return id ? <TraceView traceId={decodeURIComponent(id)} /> : <TraceSearch />;
}
