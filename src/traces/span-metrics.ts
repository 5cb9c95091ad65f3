/**
 * RED metrics from spans, as the OpenTelemetry Collector's spanmetrics connector names them:
 * `traces_span_metrics_calls_total` and the `traces_span_metrics_duration_seconds` histogram,
 * labelled `service_name`, `span_name`, `span_kind` (`SPAN_KIND_SERVER`, …) and `status_code`
 * (`STATUS_CODE_ERROR`, …). Counts are cumulative from process start; `flush` hands the current
 * values to the metrics ingest path, which makes them queryable through PromQL (rate, errors,
 * histogram_quantile).
 */
export const DURATION_BUCKETS_SECONDS = [0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15];

interface Counters {
  labels: [string, string][];
  calls: number;
  sumSeconds: number;
  /** Per bucket (not cumulative), plus one for above the last bound. */
  buckets: number[];
}

/** A span as the metrics see it. */
export interface SpanSample {
  service: string;
  name: string;
  /** `Server`, `Client`, … as stored. */
  kind: string;
  /** `Unset`, `Ok`, `Error`. */
  status: string;
  durationNs: bigint;
}

/** The samples of one flush: labels (with `__name__`) and value, per tenant. */
export type SpanMetricSamples = Map<string, { labels: [string, string][]; value: number }[]>;

export class SpanMetrics {
  private readonly byTenant = new Map<string, Map<string, Counters>>();
  /** Series kept per tenant at most; spans of new series beyond it are not counted. */
  constructor(private readonly maxSeriesPerTenant = 10_000) {}

  observe(tenant: string, spans: readonly SpanSample[]): void {
    let m = this.byTenant.get(tenant);
    if (!m) this.byTenant.set(tenant, (m = new Map<string, Counters>()));
    for (const s of spans) {
      const key = `${s.service}\u0000${s.name}\u0000${s.kind}\u0000${s.status}`;
      let c = m.get(key);
      if (!c) {
        if (m.size >= this.maxSeriesPerTenant) continue;
        c = {
          labels: [['service_name', s.service], ['span_name', s.name], ['span_kind', `SPAN_KIND_${s.kind.toUpperCase()}`], ['status_code', `STATUS_CODE_${s.status.toUpperCase()}`]],
          calls: 0, sumSeconds: 0, buckets: new Array<number>(DURATION_BUCKETS_SECONDS.length + 1).fill(0),
        };
        m.set(key, c);
      }
      const seconds = Number(s.durationNs) / 1e9;
      c.calls++;
      c.sumSeconds += seconds;
      let i = DURATION_BUCKETS_SECONDS.findIndex((b) => seconds <= b);
      if (i < 0) i = DURATION_BUCKETS_SECONDS.length;
      c.buckets[i]!++;
    }
  }

  /** The current cumulative values of every series, per tenant. */
  samples(): SpanMetricSamples {
    const out: SpanMetricSamples = new Map();
    for (const [tenant, m] of this.byTenant) {
      const list: { labels: [string, string][]; value: number }[] = [];
      for (const c of m.values()) {
        list.push({ labels: [['__name__', 'traces_span_metrics_calls_total'], ...c.labels], value: c.calls });
        list.push({ labels: [['__name__', 'traces_span_metrics_duration_seconds_count'], ...c.labels], value: c.calls });
        list.push({ labels: [['__name__', 'traces_span_metrics_duration_seconds_sum'], ...c.labels], value: c.sumSeconds });
        let cumulative = 0;
        DURATION_BUCKETS_SECONDS.forEach((b, i) => {
          cumulative += c.buckets[i]!;
          list.push({ labels: [['__name__', 'traces_span_metrics_duration_seconds_bucket'], ...c.labels, ['le', String(b)]], value: cumulative });
        });
        list.push({ labels: [['__name__', 'traces_span_metrics_duration_seconds_bucket'], ...c.labels, ['le', '+Inf']], value: c.calls });
      }
      out.set(tenant, list);
    }
    return out;
  }
}
