import type { SpanMetricSamples } from '../traces/span-metrics.js';

/**
 * `errors_total{project, service, issue, level}`: error events counted per issue, cumulative from
 * process start, written as series like the span metrics — so `increase(errors_total[5m])`
 * (spikes) and new series (new issues) work in PromQL and alert rules. `service` is the project.
 */
export class ErrorMetrics {
  private readonly byTenant = new Map<string, Map<string, { labels: [string, string][]; count: number }>>();

  constructor(private readonly maxSeriesPerTenant = 10_000) {}

  observe(tenant: string, project: string, events: readonly { fingerprint: string; level: string }[]): void {
    let m = this.byTenant.get(tenant);
    if (!m) this.byTenant.set(tenant, (m = new Map<string, { labels: [string, string][]; count: number }>()));
    for (const e of events) {
      const key = `${project}\u0000${e.fingerprint}\u0000${e.level}`;
      let c = m.get(key);
      if (!c) {
        if (m.size >= this.maxSeriesPerTenant) continue;
        c = { labels: [['__name__', 'errors_total'], ['project', project], ['service', project], ['issue', e.fingerprint], ['level', e.level]], count: 0 };
        m.set(key, c);
      }
      c.count++;
    }
  }

  samples(): SpanMetricSamples {
    return new Map([...this.byTenant].map(([tenant, m]) => [tenant, [...m.values()].map((c) => ({ labels: c.labels, value: c.count }))]));
  }
}
