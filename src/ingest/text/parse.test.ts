import { describe, expect, it } from 'vitest';
import { parseExposition, type ExpositionSink } from './parse.js';

interface Got {
  samples: { series: string; labels: [string, string][]; value: number; ts: number | undefined }[];
  meta: Record<string, [string, string, string]>;
  errors: [number, string][];
}

function parse(text: string, openMetrics = false): Got {
  const got: Got = { samples: [], meta: {}, errors: [] };
  const sink: ExpositionSink = {
    sample: (series, labels, value, ts) => got.samples.push({ series, labels: labels(), value, ts }),
    metadata: (f, t, h, u) => { got.meta[f] = [t, h, u]; },
    error: (line, msg) => got.errors.push([line, msg]),
  };
  parseExposition(text, { openMetrics }, sink);
  return got;
}

describe('Prometheus text format 0.0.4', () => {
  it('parses prom-client output with HELP/TYPE, blank lines, histograms and escapes', () => {
    const got = parse([
      '# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.',
      '# TYPE process_cpu_user_seconds_total counter',
      'process_cpu_user_seconds_total 0.026919',
      '',
      'http_request_duration_seconds_bucket{le="0.1",route="/cart"} 0',
      'http_request_duration_seconds_bucket{le="+Inf",route="/cart"} 1',
      'job_seconds{quantile="0.5"} 2 1700000000000',
      '# HELP queue_depth Depth with "quotes" and \\\\ backslash',
      'weird{a="x\\"y\\\\z\\n",b="",} NaN',
      'lag Nan',
      'neg -Inf',
      'sci 1.5e+3',
    ].join('\n'));
    expect(got.errors).toEqual([]);
    expect(got.samples.map((s) => s.value)).toEqual([0.026919, 0, 1, 2, Number.NaN, Number.NaN, -Infinity, 1500]);
    expect(got.samples[1]!.labels).toEqual([['__name__', 'http_request_duration_seconds_bucket'], ['le', '0.1'], ['route', '/cart']]);
    expect(got.samples[3]!.ts).toBe(1_700_000_000_000);
    expect(got.samples[4]!.labels).toEqual([['__name__', 'weird'], ['a', 'x"y\\z\n'], ['b', '']]);
    expect(got.meta.process_cpu_user_seconds_total).toEqual(['counter', 'Total user CPU time spent in seconds.', '']);
    expect(got.meta.queue_depth![1]).toBe('Depth with "quotes" and \\ backslash');
  });

  it('reports bad lines with their numbers and keeps the good ones', () => {
    const got = parse('a 1\nb{x="1" 2\nc two\nd 1 1.5\n{x="y"} 1\ne{x=y} 1\nf 3');
    expect(got.samples.map((s) => s.series)).toEqual(['a', 'f']);
    expect(got.errors.map((e) => e[0])).toEqual([2, 3, 4, 5, 6]);
    expect(got.errors[1]![1]).toMatch(/invalid value "two"/);
    expect(got.errors[2]![1]).toMatch(/invalid timestamp/);
  });

  it('rejects unknown TYPE values', () => {
    expect(parse('# TYPE x countr\nx 1').errors[0]![1]).toMatch(/unknown metric type/);
  });
});

describe('OpenMetrics 1.0', () => {
  it('handles _total, units, exemplars, _created, float-second timestamps and # EOF', () => {
    const got = parse([
      '# TYPE om_events counter',
      '# UNIT om_events events',
      '# HELP om_events Events \\"seen\\".',
      'om_events_total 1 1700000000.5 # {trace_id="abc"} 1 1700000000',
      'om_events_created 1700000000',
      'om_size 3 # {a="b"} 1',
      '# EOF',
    ].join('\n'), true);
    expect(got.errors).toEqual([]);
    expect(got.samples.map((s) => [s.series, s.value, s.ts])).toEqual([['om_events_total', 1, 1_700_000_000_500], ['om_size', 3, undefined]]);
    expect(got.meta.om_events).toEqual(['counter', 'Events "seen".', 'events']);
  });

  it('requires # EOF and nothing after it', () => {
    expect(parse('a 1\n', true).errors[0]![1]).toMatch(/# EOF/);
    expect(parse('a 1\n# EOF\nb 2\n', true).errors[0]).toEqual([3, 'content after "# EOF"']);
  });
});
