import { useState } from 'react';
import { useApi } from '../../api/fetch';
import type { JourneyStep, PathCount } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { useUrlState } from '../../lib/router';
import { formatTime } from '../../lib/time';

/** One person's events in order, grouped by session. */
function PersonJourney({ distinctId }: { distinctId: string }) {
  const journey = useApi<JourneyStep[]>('/api/v1/analytics/journey', { distinct_id: distinctId, limit: 500 });
  if (journey.error) return <ErrorBox message={journey.error} onRetry={journey.reload} />;
  if (!journey.data) return <Loading />;
  if (journey.data.length === 0) return <Empty>No events of {distinctId} in the last 30 days.</Empty>;
  const sessions = new Map<number, JourneyStep[]>();
  for (const s of journey.data) sessions.set(s.session, [...(sessions.get(s.session) ?? []), s]);
  return (
    <div className="journey">
      {[...sessions].map(([n, steps]) => (
        <div key={n} className="session">
          <h3>Session {n} <span className="muted small">{formatTime(steps[0]!.time / 1000, true)}</span></h3>
          <ol className="journey-steps">
            {steps.map((s, i) => <li key={i}><span className="muted small">{formatTime(s.time / 1000)}</span> <strong>{s.event}</strong>{typeof s.properties.$current_url === 'string' && <span className="muted small"> {s.properties.$current_url}</span>}</li>)}
          </ol>
        </div>
      ))}
    </div>
  );
}

/** The most common paths after (or before) an event, with how many people took each. */
function Paths({ event, direction }: { event: string; direction: string }) {
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const paths = useApi<PathCount[]>('/api/v1/analytics/paths', { event, direction, steps: 3, limit: 20, start: now - 30 * 86_400, end: now });
  if (paths.error) return <ErrorBox message={paths.error} onRetry={paths.reload} />;
  if (!paths.data) return <Loading />;
  if (paths.data.length === 0) return <Empty>No paths {direction} {event} in the last 30 days.</Empty>;
  const max = Math.max(1, ...paths.data.map((p) => p.people));
  return (
    <table className="data paths">
      <thead><tr><th>Path {direction} {event}</th><th className="num">People</th></tr></thead>
      <tbody>
        {paths.data.map((p) => (
          <tr key={p.path.join('>')}>
            <td>{(direction === 'after' ? [event, ...p.path] : [...p.path, event]).map((e, i) => <span key={i}>{i > 0 && ' → '}<span className="chip">{e}</span></span>)}</td>
            <td className="num"><div className="dur-bar" style={{ width: `${(p.people / max) * 100}%` }} />{p.people}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** User journeys: one person's event stream by session, and the common paths around an event. */
export function JourneyView() {
  const [url, setUrl] = useUrlState();
  const person = url.get('person') ?? '';
  const event = url.get('event') ?? '$pageview';
  const direction = url.get('direction') === 'before' ? 'before' : 'after';
  const [draft, setDraft] = useState({ person, event, direction });
  return (
    <>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setUrl({ ...draft }, true); }}>
        <input aria-label="person" placeholder="distinct id of a person" value={draft.person} onChange={(e) => { setDraft({ ...draft, person: e.target.value }); }} />
        <label className="inline">Paths <select aria-label="direction" value={draft.direction} onChange={(e) => { setDraft({ ...draft, direction: e.target.value === 'before' ? 'before' : 'after' }); }}><option>after</option><option>before</option></select></label>
        <input aria-label="path event" value={draft.event} onChange={(e) => { setDraft({ ...draft, event: e.target.value }); }} />
        <button type="submit" className="btn primary">Show</button>
      </form>
      {person && <><h2>Journey of {person}</h2><PersonJourney distinctId={person} /></>}
      <h2>Common paths</h2>
      <Paths event={event} direction={direction} />
    </>
  );
}
