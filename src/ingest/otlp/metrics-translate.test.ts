import { describe, expect, it } from 'vitest';
import { promLabelName, promName } from './metrics-translate.js';

describe('OpenTelemetry → Prometheus names', () => {
  it('adds unit and type suffixes as Prometheus does', () => {
    const name = (n: string, unit: string, kind: 'gauge' | 'sum' | 'histogram', monotonic = false) => promName({ name: n, unit, kind, monotonic });
    expect(name('http.server.duration', 'ms', 'histogram')).toBe('http_server_duration_milliseconds');
    expect(name('system.cpu.time', 's', 'sum', true)).toBe('system_cpu_time_seconds_total');
    expect(name('requests', '{requests}', 'sum', true)).toBe('requests_total');
    expect(name('total_requests', '', 'sum', true)).toBe('requests_total');
    expect(name('memory.utilization', '1', 'gauge')).toBe('memory_utilization_ratio');
    expect(name('throughput', 'By/s', 'gauge')).toBe('throughput_bytes_per_second');
    expect(name('process.runtime.heap_size_bytes', 'By', 'gauge')).toBe('process_runtime_heap_size_bytes');
    expect(name('queue.depth', '', 'sum', false)).toBe('queue_depth');
    expect(name('5xx.errors', '', 'sum', true)).toBe('_5xx_errors_total');
  });

  it('makes attribute keys valid label names', () => {
    expect(promLabelName('http.method')).toBe('http_method');
    expect(promLabelName('2xx')).toBe('key_2xx');
    expect(promLabelName('_private')).toBe('key_private');
    expect(promLabelName('__reserved')).toBe('__reserved');
    expect(promLabelName('ok_name')).toBe('ok_name');
  });
});
