import { describe, expect, it } from 'vitest';
import { SpanMetrics } from './span-metrics.js';

describe('span metrics', () => {
  it('counts calls, errors and durations per service, span, kind and status', () => {
    const m = new SpanMetrics(2);
    m.observe('t', [
      { service: 'api', name: 'GET /', kind: 'Server', status: 'Unset', durationNs: 3_000_000n },
      { service: 'api', name: 'GET /', kind: 'Server', status: 'Unset', durationNs: 150_000_000n },
      { service: 'api', name: 'GET /', kind: 'Server', status: 'Error', durationNs: 20_000_000_000n },
      { service: 'api', name: 'other', kind: 'Internal', status: 'Ok', durationNs: 1n },
    ]);
    const samples = m.samples().get('t')!;
    const value = (name: string, status: string, le?: string) => samples.find((s) => s.labels[0]![1] === name && s.labels.some(([k, v]) => k === 'status_code' && v === status) && (le === undefined || s.labels.some(([k, v]) => k === 'le' && v === le)))?.value;
    expect(value('traces_span_metrics_calls_total', 'STATUS_CODE_UNSET')).toBe(2);
    expect(value('traces_span_metrics_calls_total', 'STATUS_CODE_ERROR')).toBe(1);
    expect(value('traces_span_metrics_duration_seconds_bucket', 'STATUS_CODE_UNSET', '0.004')).toBe(1);
    expect(value('traces_span_metrics_duration_seconds_bucket', 'STATUS_CODE_UNSET', '0.2')).toBe(2);
    expect(value('traces_span_metrics_duration_seconds_bucket', 'STATUS_CODE_ERROR', '15')).toBe(0);
    expect(value('traces_span_metrics_duration_seconds_bucket', 'STATUS_CODE_ERROR', '+Inf')).toBe(1);
    expect(value('traces_span_metrics_duration_seconds_sum', 'STATUS_CODE_UNSET')).toBeCloseTo(0.153);
    expect(value('traces_span_metrics_calls_total', 'STATUS_CODE_OK')).toBeUndefined(); // the series limit (2) was reached
    expect(samples.find((s) => s.labels[0]![1] === 'traces_span_metrics_calls_total')!.labels).toEqual([
      ['__name__', 'traces_span_metrics_calls_total'], ['service_name', 'api'], ['span_name', 'GET /'], ['span_kind', 'SPAN_KIND_SERVER'], ['status_code', 'STATUS_CODE_UNSET'],
    ]);
  });
});
