import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { PALETTE, stack, type Aligned } from '../lib/series';
import { toggled } from '../lib/sets';
import { formatTime } from '../lib/time';

export type ChartKind = 'line' | 'area' | 'stacked';

export interface TimeSeriesChartProps {
  data: Aligned;
  kind?: ChartKind;
  height?: number;
  /** The time axis, Unix seconds (default: the data's first to last point). */
  xRange?: [number, number];
  /** Called with the selected span (Unix seconds) when the user drags across the chart. */
  onZoom?: (start: number, end: number) => void;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function fmtValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return String(Math.round(v * 1000) / 1000);
}

/**
 * A time-series chart on uPlot: lines, areas or stacked areas; a legend whose entries toggle
 * their series; a tooltip at the cursor listing the values; drag to zoom (reported through
 * `onZoom`). Redraws only when the data or kind change; follows the container's width.
 */
export function TimeSeriesChart({ data, kind = 'line', height = 300, xRange, onZoom }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const zoom = useRef(onZoom);
  useEffect(() => { zoom.current = onZoom; });
  // Hidden series by label, so a refresh of the same query keeps them hidden.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [x0, x1] = xRange ?? [undefined, undefined];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = cssVar('--muted', '#888');
    const grid = cssVar('--grid', 'rgba(128,128,128,0.15)');
    const visible = data.series.map((s, i) => ({ ...s, i })).filter((s) => !hidden.has(s.label));
    const values = kind === 'stacked' ? stack(visible) : visible.map((s) => s.values);
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false } },
      scales: { x: x0 !== undefined && x1 !== undefined ? { time: true, range: () => [x0, x1] } : { time: true } },
      axes: [
        { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, size: 60, values: (_u, splits) => splits.map((v) => fmtValue(v)) },
      ],
      series: [
        {},
        ...visible.map((s) => {
          const color = PALETTE[s.i % PALETTE.length]!;
          return { label: s.label, stroke: color, width: 1.5, points: { show: false }, ...(kind !== 'line' ? { fill: `${color}40` } : {}) };
        }),
      ],
      ...(kind === 'stacked' ? { bands: visible.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })) } : {}),
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 2) return;
          const start = u.posToVal(u.select.left, 'x');
          const end = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          zoom.current?.(Math.floor(start), Math.ceil(end));
        }],
        setCursor: [(u) => {
          const t = tip.current;
          if (!t) return;
          const idx = u.cursor.idx;
          if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
            t.style.display = 'none';
            return;
          }
          const rows = visible.map((s, k) => ({ label: s.label, color: PALETTE[s.i % PALETTE.length]!, v: s.values[idx] ?? null, k }))
            .filter((r) => r.v !== null).slice(0, 12);
          t.replaceChildren();
          const head = document.createElement('div');
          head.className = 'tip-time';
          head.textContent = formatTime(data.times[idx] ?? 0, true);
          t.append(head);
          for (const r of rows) {
            const line = document.createElement('div');
            const dot = document.createElement('span');
            dot.className = 'dot';
            dot.style.background = r.color;
            line.append(dot, `${fmtValue(r.v)}  ${r.label}`);
            t.append(line);
          }
          t.style.display = 'block';
          const left = u.cursor.left + 70;
          t.style.left = `${Math.min(left, (el.clientWidth || 600) - 260)}px`;
          t.style.top = `${(u.cursor.top ?? 0) + 10}px`;
        }],
      },
    };
    // User Timing: "allseer:chart" spans building and drawing the chart (DevTools and bench:web read it).
    const t0 = performance.now();
    const plot = new uPlot(opts, [data.times, ...values] as uPlot.AlignedData, el);
    const frame = requestAnimationFrame(() => {
      performance.measure('allseer:chart', { start: t0, detail: { series: values.length, points: data.times.length } });
    });
    const resize = new ResizeObserver(() => { plot.setSize({ width: el.clientWidth || 600, height }); });
    resize.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      plot.destroy();
    };
  }, [data, kind, height, hidden, x0, x1]);

  const toggle = (label: string) => { setHidden((h) => toggled(h, label)); };

  return (
    <div className="chart">
      <div className="chart-plot" ref={box} onMouseLeave={() => { if (tip.current) tip.current.style.display = 'none'; }}>
        <div className="chart-tip" ref={tip} role="tooltip" />
      </div>
      <ul className="legend" aria-label="series">
        {data.series.map((s, i) => (
          <li key={i}>
            <button type="button" className={hidden.has(s.label) ? 'off' : ''} aria-pressed={!hidden.has(s.label)} onClick={() => { toggle(s.label); }} title="show or hide this series">
              <span className="dot" style={{ background: PALETTE[i % PALETTE.length] }} />
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
