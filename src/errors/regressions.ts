import type { SpanMetricSamples } from '../traces/span-metrics.js';

/**
 * `errors_regressions_total{project, service, issue}`: counts issues that got a new event after
 * they were resolved (each resolution regresses at most once), so alert rules can fire on
 * `increase(errors_regressions_total[5m]) > 0`. Resolutions come from the issue API (and, at
 * start, from storage); events from the Sentry ingest.
 */
export class RegressionWatch {
  /** tenant → "project\0fingerprint" → when it was resolved (ms). */
  private readonly resolved = new Map<string, Map<string, number>>();
  private readonly counts = new Map<string, Map<string, { labels: [string, string][]; count: number }>>();

  /** An issue's status changed through the API. */
  status(tenant: string, project: string, fingerprint: string, status: string, at: number): void {
    let m = this.resolved.get(tenant);
    if (!m) this.resolved.set(tenant, (m = new Map<string, number>()));
    if (status === 'resolved') m.set(`${project}\u0000${fingerprint}`, at);
    else m.delete(`${project}\u0000${fingerprint}`);
  }

  observe(tenant: string, project: string, events: readonly { fingerprint: string; timestampMs: number }[]): void {
    const m = this.resolved.get(tenant);
    if (!m) return;
    for (const e of events) {
      const key = `${project}\u0000${e.fingerprint}`;
      const at = m.get(key);
      if (at === undefined || e.timestampMs <= at) continue;
      m.delete(key);
      let c = this.counts.get(tenant);
      if (!c) this.counts.set(tenant, (c = new Map<string, { labels: [string, string][]; count: number }>()));
      const entry = c.get(key) ?? { labels: [['__name__', 'errors_regressions_total'], ['project', project], ['service', project], ['issue', e.fingerprint]], count: 0 };
      entry.count++;
      c.set(key, entry);
    }
  }

  samples(): SpanMetricSamples {
    return new Map([...this.counts].map(([tenant, m]) => [tenant, [...m.values()].map((c) => ({ labels: c.labels, value: c.count }))]));
  }
}
