import { useEffect, useRef, useState } from 'react';
import type { DashboardSpec } from '../../api/types';

export interface WidgetData { data?: unknown; error?: string; at: number }
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Keeps a WebSocket to `/api/v1/live` subscribed to `spec` over the range with the variables;
 * returns each widget's latest data as the server pushes it (only when it changed) and the
 * connection state. Reconnects with backoff; a change of spec, range or variables resubscribes.
 */
export function useLive(spec: DashboardSpec | undefined, from: string, to: string, variables: Record<string, string>): { widgets: Record<string, WidgetData>; status: LiveStatus; error?: string } {
  const [widgets, setWidgets] = useState<Record<string, WidgetData>>({});
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [error, setError] = useState<string>();
  const [socket, setSocket] = useState<WebSocket>();
  const attempt = useRef(0);

  useEffect(() => {
    let ws: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = () => {
      const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${proto}//${window.location.host}/api/v1/live`);
      ws.onopen = () => { attempt.current = 0; setStatus('live'); setSocket(ws); };
      ws.onmessage = (e: MessageEvent<string>) => {
        const m = JSON.parse(e.data) as { type: string; widget?: string; data?: unknown; error?: string; at?: number };
        if (m.type === 'data' && m.widget) setWidgets((w) => ({ ...w, [m.widget!]: { data: m.data, at: m.at ?? Date.now() } }));
        else if (m.type === 'error' && m.widget) setWidgets((w) => ({ ...w, [m.widget!]: { ...w[m.widget!], error: m.error ?? 'error', at: m.at ?? Date.now() } }));
        else if (m.type === 'error') setError(m.error);
        else if (m.type === 'subscribed') setError(undefined);
      };
      ws.onclose = () => {
        setSocket(undefined);
        if (stopped) return;
        setStatus('reconnecting');
        timer = setTimeout(open, Math.min(30_000, 500 * 2 ** attempt.current++));
      };
    };
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    };
  }, []);

  const key = JSON.stringify({ spec, from, to, variables });
  useEffect(() => {
    if (!socket || !spec) return;
    socket.send(JSON.stringify({ type: 'subscribe', spec, from, to, variables }));
    // `key` covers spec, range and variables.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [socket, key]);

  return { widgets, status, ...(error ? { error } : {}) };
}
