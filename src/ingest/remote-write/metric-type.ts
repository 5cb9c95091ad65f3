/** Prometheus metric type enum (remote_write 1.0 MetricMetadata and 2.0 Metadata) to its name. */
export const METRIC_TYPES = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'] as const;

export function metricTypeName(n: number): string {
  return METRIC_TYPES[n] ?? 'unknown';
}
