import { useState } from 'react';
import type { SentryBreadcrumb, SentryEvent, SentryFrame } from '../../api/types';

function frameTitle(f: SentryFrame): string {
  const where = f.module ?? f.filename ?? f.abs_path ?? '?';
  return `${where}${f.function ? ` in ${f.function}` : ''}${f.lineno !== undefined ? ` at line ${f.lineno}${f.colno !== undefined ? `:${f.colno}` : ''}` : ''}`;
}

function Frame({ frame }: { frame: SentryFrame }) {
  const [open, setOpen] = useState(frame.in_app === true && frame.context_line !== undefined);
  const hasContext = frame.context_line !== undefined;
  return (
    <li className={`frame${frame.in_app ? ' in-app' : ''}`}>
      <button type="button" className="link mono" aria-expanded={open} disabled={!hasContext} onClick={() => { setOpen(!open); }}>{frameTitle(frame)}</button>
      {frame.in_app && <span className="badge">in app</span>}
      {open && hasContext && (
        <pre className="context">
          {(frame.pre_context ?? []).map((l, i) => <div key={`p${i}`}>{l}</div>)}
          <div className="hot">{frame.context_line}</div>
          {(frame.post_context ?? []).map((l, i) => <div key={`n${i}`}>{l}</div>)}
        </pre>
      )}
    </li>
  );
}

/**
 * A Sentry event's exceptions, the one that was raised last first, each with its frames most
 * recent call first; frames outside the app are hidden until asked for.
 */
export function StackTrace({ event }: { event: SentryEvent }) {
  const [all, setAll] = useState(false);
  const exceptions = [...(event.exception?.values ?? [])].reverse();
  const message = typeof event.message === 'string' ? event.message : event.message?.formatted ?? event.message?.message;
  if (exceptions.length === 0) return message ? <pre className="context">{message}</pre> : <p className="muted">No stack trace in this event.</p>;
  const hidden = exceptions.some((e) => (e.stacktrace?.frames ?? []).some((f) => !f.in_app));
  return (
    <div className="stack-trace">
      {hidden && <label className="small"><input type="checkbox" checked={all} onChange={(e) => { setAll(e.target.checked); }} /> Show frames outside the app</label>}
      {exceptions.map((ex, i) => {
        const frames = [...(ex.stacktrace?.frames ?? [])].reverse().filter((f) => all || f.in_app !== false);
        return (
          <div key={i} className="exception">
            <h3><span className="mono">{ex.type ?? 'Error'}</span>: {ex.value ?? ''}</h3>
            {frames.length > 0 ? <ol className="frames">{frames.map((f, k) => <Frame key={k} frame={f} />)}</ol> : <p className="muted small">no frames{hidden && !all ? ' in the app' : ''}</p>}
          </div>
        );
      })}
    </div>
  );
}

/** The breadcrumbs that led to the event, oldest first. */
export function Breadcrumbs({ event }: { event: SentryEvent }) {
  const crumbs: SentryBreadcrumb[] = Array.isArray(event.breadcrumbs) ? event.breadcrumbs : event.breadcrumbs?.values ?? [];
  if (crumbs.length === 0) return null;
  const when = (t: number | string | undefined) => (t === undefined ? '' : new Date(typeof t === 'number' ? t * 1000 : t).toLocaleTimeString());
  return (
    <>
      <h2>Breadcrumbs</h2>
      <table className="data small">
        <thead><tr><th>Time</th><th>Category</th><th>Level</th><th>Message</th></tr></thead>
        <tbody>{crumbs.map((c, i) => <tr key={i}><td>{when(c.timestamp)}</td><td>{c.category ?? c.type ?? ''}</td><td>{c.level ?? ''}</td><td className="mono">{c.message ?? ''}</td></tr>)}</tbody>
      </table>
    </>
  );
}
