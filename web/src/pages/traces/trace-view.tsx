import { useMemo, useState } from 'react';
import { useApi } from '../../api/fetch';
import type { Waterfall, WaterfallSpan } from '../../api/types';
import { KeyValues } from '../../components/key-values';
import { ErrorBox, Loading } from '../../components/status';
import { navigate } from '../../lib/router';
import { PALETTE } from '../../lib/series';
import { formatNanos, logTime } from '../../lib/time';

function SpanDetail({ span, traceStart }: { span: WaterfallSpan; traceStart: bigint }) {
  return (
    <div className="span-detail">
      <p>
        <strong>{span.serviceName}</strong> {span.name} <span className="badge">{span.kind}</span>
        {span.statusCode === 'Error' && <span className="badge err">error{span.statusMessage ? `: ${span.statusMessage}` : ''}</span>}
        {span.critical && <span className="badge">critical path</span>}
      </p>
      <p className="small muted">
        span {span.spanId}{span.parentSpanId ? ` · parent ${span.parentSpanId}` : ''} · starts at +{formatNanos(span.offsetNano)} · {formatNanos(span.durationNano)}
        {' · '}<a href={`/logs?trace_id=${span.traceId}`} onClick={(e) => { e.preventDefault(); navigate(`/logs?trace_id=${span.traceId}&from=${Math.floor(Number(traceStart / 1_000_000n) / 1000) - 300}&to=${Math.ceil(Number(traceStart / 1_000_000n) / 1000) + 3600}`); }}>logs of this trace</a>
      </p>
      <h3 className="small muted">Attributes</h3>
      <KeyValues values={span.attributes} />
      {span.events.length > 0 && (
        <>
          <h3 className="small muted">Events</h3>
          <ul className="small">
            {span.events.map((ev, i) => (
              <li key={i}>
                +{formatNanos((BigInt(ev.timeUnixNano) - traceStart).toString())} <strong>{ev.name}</strong>
                {Object.keys(ev.attributes).length > 0 && <KeyValues values={ev.attributes} />}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 className="small muted">Resource</h3>
      <KeyValues values={span.resourceAttributes} />
    </div>
  );
}

/**
 * One trace as a waterfall: the span tree in rows (indentation = depth), each span's bar placed
 * on the trace's time line, errors in red, the critical path outlined; a click opens the span's
 * attributes, events and resource.
 */
export function TraceView({ traceId }: { traceId: string }) {
  const trace = useApi<Waterfall>(`/api/v1/traces/${encodeURIComponent(traceId)}`);
  const [selected, setSelected] = useState<string>();
  const colors = useMemo(() => new Map((trace.data?.services ?? []).map((s, i) => [s, PALETTE[i % PALETTE.length]!])), [trace.data]);
  if (trace.error) return <section className="page"><h1>Trace {traceId}</h1><ErrorBox message={trace.error} onRetry={trace.reload} /></section>;
  if (!trace.data) return <Loading />;
  const t = trace.data;
  const total = Math.max(1, Number(t.durationNano));
  const start = BigInt(t.startTimeUnixNano);
  const errors = t.spans.filter((s) => s.statusCode === 'Error').length;
  const ticks = [0, 0.25, 0.5, 0.75, 1];

  return (
    <section className="page trace">
      <p><a href="/traces" onClick={(e) => { e.preventDefault(); navigate('/traces'); }}>← Traces</a></p>
      <h1>{t.spans[0] ? `${t.spans[0].serviceName}: ${t.spans[0].name}` : traceId}</h1>
      <p className="muted">
        <span className="mono">{t.traceId}</span> · {logTime(t.startTimeUnixNano)} · {formatNanos(t.durationNano)} · {t.spans.length} spans · {t.services.length} service(s)
        {errors > 0 && <span className="badge err">{errors} error span(s)</span>}
      </p>
      <div className="waterfall" role="tree" aria-label="waterfall">
        <div className="wf-head">
          <span className="wf-name">Service and operation</span>
          <div className="wf-track">{ticks.map((k) => <span key={k} className="wf-label" style={{ left: `${k * 100}%`, transform: k === 1 ? 'translateX(-100%)' : undefined }}>{formatNanos(Math.round(k * total))}</span>)}</div>
        </div>
        {t.spans.map((s) => {
          const left = (Number(s.offsetNano) / total) * 100;
          const width = (Number(s.durationNano) / total) * 100;
          const isError = s.statusCode === 'Error';
          return (
            <div key={s.spanId}>
              <div className={`wf-row${isError ? ' error' : ''}${selected === s.spanId ? ' selected' : ''}`} role="treeitem" aria-level={s.depth + 1} aria-selected={selected === s.spanId} tabIndex={0}
                onClick={() => { setSelected(selected === s.spanId ? undefined : s.spanId); }}
                onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setSelected(selected === s.spanId ? undefined : s.spanId); } }}>
                <span className="wf-name" style={{ paddingLeft: 8 + s.depth * 14 }} title={`${s.serviceName} ${s.name}`}>
                  <span className="svc" style={{ color: colors.get(s.serviceName) }}>{s.serviceName}</span>{s.name}
                  {isError && ' ⚠'}{s.orphan && <span className="badge">parent missing</span>}
                </span>
                <div className="wf-track">
                  <div className={`wf-span${s.critical ? ' critical' : ''}`} style={{ left: `${left}%`, width: `${width}%`, background: isError ? 'var(--danger)' : colors.get(s.serviceName) }} />
                  <span className="wf-label" style={left + width > 80 ? { right: `${100 - left + 0.5}%` } : { left: `${left + width + 0.5}%` }}>{formatNanos(s.durationNano)}</span>
                </div>
              </div>
              {selected === s.spanId && <SpanDetail span={s} traceStart={start} />}
            </div>
          );
        })}
      </div>
    </section>
  );
}
