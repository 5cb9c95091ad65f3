import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: readonly T[];
  /** Height of a row before it is measured, px (collapsed rows). */
  rowHeight: number;
  /** Height of the scrolling viewport, px. */
  height: number;
  itemKey: (item: T) => string;
  render: (item: T, index: number) => ReactNode;
  /** Called when the last rows come into view (to load the next page). */
  onEnd?: () => void;
  label?: string;
}

/** Rows outside the viewport kept rendered on each side. */
const OVERSCAN = 10;

/**
 * A list that renders only the rows in view, so tens of thousands of records scroll smoothly.
 * Rows may grow (an expanded record): each rendered row is measured and later offsets follow.
 */
export function VirtualList<T>({ items, rowHeight, height, itemKey, render, onEnd, label }: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [heights, setHeights] = useState<ReadonlyMap<string, number>>(new Map());

  const offsets: number[] = new Array<number>(items.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < items.length; i++) offsets[i + 1] = offsets[i]! + (heights.get(itemKey(items[i]!)) ?? rowHeight);
  const total = offsets[items.length]!;

  let first = 0;
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1]! <= top) lo = mid + 1;
    else hi = mid;
  }
  first = Math.max(0, lo - OVERSCAN);
  let last = lo;
  while (last < items.length && offsets[last]! < top + height) last++;
  last = Math.min(items.length, last + OVERSCAN);

  const measure = useCallback((key: string, el: HTMLDivElement | null) => {
    if (!el) return;
    const h = el.getBoundingClientRect().height;
    if (h > 0) setHeights((m) => (m.get(key) === h ? m : new Map(m).set(key, h)));
  }, []);

  const ended = useRef(false);
  useLayoutEffect(() => {
    const nearEnd = last >= items.length && items.length > 0;
    if (nearEnd && !ended.current) onEnd?.();
    ended.current = nearEnd;
  }, [last, items.length, onEnd]);

  return (
    <div className="log-list" ref={scroller} style={{ height: Math.min(height, total + 2) }} onScroll={(e) => { setTop(e.currentTarget.scrollTop); }} role="list" aria-label={label}>
      <div style={{ height: total, position: 'relative' }}>
        {items.slice(first, last).map((item, k) => {
          const i = first + k;
          const key = itemKey(item);
          return (
            <div key={key} role="listitem" ref={(el) => { measure(key, el); }} style={{ position: 'absolute', top: offsets[i], left: 0, right: 0 }}>
              {render(item, i)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
