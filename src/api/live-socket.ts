import type { FastifyInstance } from 'fastify';
import type { DashboardsStorage } from '../storage/interface.js';
import { LiveSession, resolveTime } from '../dashboards/live.js';
import { LiveEvaluations, type CallResult } from '../dashboards/live-evaluations.js';
import type { DashboardSpec } from '../dashboards/spec.js';
import type { WidgetRequest } from '../dashboards/widget-request.js';

/** Opens a live session for one WebSocket client of `tenant`; `send` writes to that socket. */
export type LiveOpener = (tenant: string, send: (text: string) => void) => { receive: (text: string) => Promise<void>; close: () => void };

/**
 * Live dashboard sessions whose widgets are answered by this server's own routes (in-process
 * `inject`, so tenancy, limits and errors are the HTTP API's), counting open clients.
 */
export function liveSessions(o: {
  app: () => FastifyInstance; store: DashboardsStorage; now: () => number;
  /** Open connections, distinct widget evaluations running. */
  onCount: (open: number, evaluations: number) => void;
}): LiveOpener {
  let open = 0;
  const call = async (tenant: string, req: WidgetRequest): Promise<CallResult> => {
    const res = await o.app().inject({
      method: req.method, url: req.url, headers: { 'x-scope-orgid': tenant, ...(req.body ? { 'content-type': 'application/json' } : {}) },
      ...(req.body ? { payload: JSON.stringify(req.body) } : {}),
    });
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = { error: res.body.slice(0, 200) };
    }
    return { status: res.statusCode, body };
  };
  const evaluations = new LiveEvaluations({ call, resolve: resolveTime, now: o.now, onCount: (n) => { o.onCount(open, n); } });
  const load = async (tenant: string, id: string) => (await o.store.dashboard(tenant, id))?.spec as DashboardSpec | undefined;
  return (tenant, send) => {
    const session = new LiveSession({ tenant, send, evaluations, load });
    o.onCount(++open, evaluations.size);
    let closed = false;
    return {
      receive: (text) => session.receive(text),
      close: () => {
        if (closed) return;
        closed = true;
        session.close();
        o.onCount(--open, evaluations.size);
      },
    };
  };
}
