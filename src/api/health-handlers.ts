import type { Registry } from 'prom-client';
import type { ApiResponse } from './types.js';

/** A component's answer to "are you well?". */
export interface ComponentStatus {
  ok: boolean;
  detail: string;
}

export type HealthCheck = () => Promise<ComponentStatus>;

/** Handlers of /health, /health/live, /health/ready and /metrics. */
export function healthHandlers(checks: Record<string, HealthCheck>, ready: () => boolean, registry: Registry) {
  const run = async () => {
    const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, await check()] as const;
      } catch (err) {
        return [name, { ok: false, detail: (err as Error).message }] as const;
      }
    }));
    return Object.fromEntries(entries) as Record<string, ComponentStatus>;
  };
  return {
    /** GET /health — every component; 503 if any is unhealthy. */
    health: async (): Promise<ApiResponse> => {
      const components = await run();
      const healthy = Object.values(components).every((c) => c.ok);
      return { status: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'unhealthy', components } };
    },
    /** GET /health/live — the process answers. */
    live: (): Promise<ApiResponse> => {
      return Promise.resolve({ body: { status: 'ok' } });
    },
    /** GET /health/ready — started (WAL replayed, schema migrated) and storage answers. */
    ready: async (): Promise<ApiResponse> => {
      if (!ready()) return { status: 503, body: { status: 'starting' } };
      const components = await run();
      const healthy = Object.values(components).every((c) => c.ok);
      return { status: healthy ? 200 : 503, body: { status: healthy ? 'ready' : 'unhealthy', components } };
    },
    /** GET /metrics — the server's own metrics in Prometheus text format. */
    metrics: async (): Promise<ApiResponse> => {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
