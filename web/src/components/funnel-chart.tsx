import type { FunnelBreakdown } from '../api/types';
import { formatSeconds } from '../lib/time';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One funnel as bars: people per step, conversion from the first step, drop-off from the previous one. */
export function FunnelChart({ result }: { result: FunnelBreakdown }) {
  const first = Math.max(1, result.steps[0]?.count ?? 0);
  return (
    <div className="funnel" role="list" aria-label={`funnel ${result.breakdown || 'all'}`}>
      {result.breakdown && <h3>{result.breakdown}</h3>}
      {result.steps.map((s, i) => (
        <div key={i} className="funnel-step" role="listitem">
          <div className="funnel-label"><strong>{i + 1}. {s.event}</strong> <span className="muted">{s.count} people · {pct(s.conversion)}</span></div>
          <div className="funnel-track">
            <div className="funnel-bar" style={{ width: `${(s.count / first) * 100}%` }} />
          </div>
          {i > 0 && <div className="small muted funnel-drop">↓ {pct(s.fromPrevious)} from step {i}, {s.dropOff} dropped off</div>}
        </div>
      ))}
      <p className="small muted">Median time to convert: {result.medianSecondsToConvert === null ? '—' : formatSeconds(result.medianSecondsToConvert)}</p>
    </div>
  );
}

