import type { LogRecord } from '../../api/types';
import { KeyValues } from '../../components/key-values';
import { navigate } from '../../lib/router';
import { logTime } from '../../lib/time';

/** A stable key for a record: time, ids and a body prefix (lines of one nanosecond differ in body). */
export function recordKey(r: LogRecord): string {
  return `${r.timeUnixNano}|${r.serviceName}|${r.spanId}|${r.body.slice(0, 64)}`;
}

function sevClass(text: string): string {
  const t = text.toLowerCase();
  for (const s of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) if (t.startsWith(s)) return `sev sev-${s}`;
  return 'sev';
}

function Attributes({ title, attrs }: { title: string; attrs: Record<string, string> }) {
  if (Object.keys(attrs).length === 0) return null;
  return (
    <>
      <h3 className="small muted">{title}</h3>
      <KeyValues values={attrs} />
    </>
  );
}

/** One log line; expanded, its whole body, attributes, and a link to its trace. */
export function LogRow({ record: r, open, onToggle }: { record: LogRecord; open: boolean; onToggle: () => void }) {
  const time = logTime(r.timeUnixNano);
  return (
    <div>
      <div className="log-row" role="button" tabIndex={0} aria-expanded={open} onClick={onToggle} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onToggle(); } }}>
        <span className="muted"><span className="date">{time.slice(0, 11)}</span>{time.slice(11)}</span>
        <span className={sevClass(r.severityText)}>{r.severityText || '—'}</span>
        <span className="svc-col">{r.serviceName}</span>
        <span className="body">{r.body}</span>
      </div>
      {open && (
        <div className="log-detail">
          <pre>{r.body}</pre>
          {r.truncated && <p className="muted small">This line was cut at the server's size limit.</p>}
          {r.traceId && (
            <p>
              Trace <a href={`/traces/${r.traceId}`} onClick={(e) => { e.preventDefault(); navigate(`/traces/${r.traceId}`); }}>{r.traceId}</a>
              {r.spanId && <span className="muted"> span {r.spanId}</span>}
            </p>
          )}
          <Attributes title="Log attributes" attrs={r.logAttributes} />
          <Attributes title="Resource" attrs={r.resourceAttributes} />
        </div>
      )}
    </div>
  );
}
