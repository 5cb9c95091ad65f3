import { useApi } from '../../api/fetch';
import type { Dependency } from '../../api/types';
import { ErrorBox, Empty, Loading } from '../../components/status';
import { PALETTE } from '../../lib/series';

/** Where each service sits on the map: on a circle, in name order (stable between loads). */
export function layoutServices(names: readonly string[], width: number, height: number): Map<string, { x: number; y: number }> {
  const sorted = [...names].sort();
  const r = Math.min(width, height) / 2 - 60;
  return new Map(sorted.map((n, i) => {
    const a = (2 * Math.PI * i) / sorted.length - Math.PI / 2;
    return [n, sorted.length === 1 ? { x: width / 2, y: height / 2 } : { x: width / 2 + r * Math.cos(a), y: height / 2 + r * Math.sin(a) }];
  }));
}

/** The service dependency graph: services as nodes, calls between them as arrows with call counts. */
export function ServiceMap({ start, end }: { start: number; end: number }) {
  const deps = useApi<Dependency[]>('/api/v1/traces/dependencies', { start, end });
  if (deps.error) return <ErrorBox message={deps.error} onRetry={deps.reload} />;
  if (!deps.data) return <Loading />;
  if (deps.data.length === 0) return <Empty>No calls between services in this range.</Empty>;
  const names = [...new Set(deps.data.flatMap((d) => [d.parent, d.child]))];
  const w = 800;
  const h = 480;
  const pos = layoutServices(names, w, h);
  const max = Math.max(...deps.data.map((d) => d.callCount));
  return (
    <svg className="service-map" viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label="service map">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="25" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="var(--muted)" />
        </marker>
      </defs>
      {deps.data.map((d) => {
        const a = pos.get(d.parent)!;
        const b = pos.get(d.child)!;
        return (
          <g key={`${d.parent}>${d.child}`}>
            <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke="var(--muted)" strokeWidth={1 + (3 * d.callCount) / max} markerEnd="url(#arrow)" />
            <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 6} textAnchor="middle">{d.callCount}</text>
          </g>
        );
      })}
      {[...pos].map(([name, p], i) => (
        <g key={name}>
          <circle cx={p.x} cy={p.y} r={18} fill={PALETTE[i % PALETTE.length]} />
          <text x={p.x} y={p.y + 34} textAnchor="middle">{name}</text>
        </g>
      ))}
    </svg>
  );
}
