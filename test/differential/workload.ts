/**
 * Data and queries of the PromQL differential test: the same generated series go to allseer and
 * to a real Prometheus, and every query is asked of both.
 */
export interface GenSeries {
  labels: Record<string, string>;
  /** Value at step i, or undefined for no sample. */
  value: (step: number) => number | undefined;
}

export const STEP_MS = 15_000;
export const STEPS = 480; // 2 hours

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function counter(seed: number, resetAt?: number): (step: number) => number {
  const r = rng(seed);
  const values: number[] = [];
  let v = Math.floor(r() * 100);
  for (let i = 0; i < STEPS; i++) {
    if (i === resetAt) v = 0;
    v += Math.floor(r() * 10);
    values.push(v);
  }
  return (i) => values[i]!;
}

function gauge(seed: number, scale: number, decimals: number): (step: number) => number {
  const r = rng(seed);
  const values: number[] = [];
  let v = scale * r();
  for (let i = 0; i < STEPS; i++) {
    v = Math.max(0, v + scale * (r() - 0.5) * 0.1);
    values.push(Number(v.toFixed(decimals)));
  }
  return (i) => values[i]!;
}

export function generate(): GenSeries[] {
  const out: GenSeries[] = [];
  let seed = 1;
  for (const job of ['api', 'db']) {
    for (const instance of ['0', '1', '2']) {
      for (const code of ['200', '500']) {
        out.push({ labels: { __name__: 'http_requests_total', job, instance, code }, value: counter(seed++, instance === '2' ? 200 : undefined) });
      }
      out.push({ labels: { __name__: 'memory_bytes', job, instance }, value: gauge(seed++, 1e9, 0) });
      out.push({ labels: { __name__: 'cpu_usage', job, instance }, value: gauge(seed++, 1, 3) });
    }
    const bounds = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
    const r = rng(seed++);
    const counts = bounds.map(() => 0);
    const bucketValues: number[][] = bounds.map(() => []);
    const sum: number[] = [];
    let total = 0;
    for (let i = 0; i < STEPS; i++) {
      const n = Math.floor(r() * 20);
      for (let k = 0; k < n; k++) {
        const obs = r() ** 2 * 3;
        total += obs;
        bounds.forEach((b, j) => { if (obs <= Number(b === '+Inf' ? Infinity : b)) counts[j]!++; });
      }
      counts.forEach((c, j) => bucketValues[j]!.push(c));
      sum.push(Number(total.toFixed(6)));
    }
    bounds.forEach((le, j) => out.push({ labels: { __name__: 'request_duration_seconds_bucket', job, le }, value: (i) => bucketValues[j]![i]! }));
    out.push({ labels: { __name__: 'request_duration_seconds_sum', job }, value: (i) => sum[i]! });
    out.push({ labels: { __name__: 'request_duration_seconds_count', job }, value: (i) => bucketValues[bounds.length - 1]![i]! });
  }
  const stops = counter(seed++);
  out.push({ labels: { __name__: 'batch_jobs_processed_total', job: 'nightly' }, value: (i) => (i < 300 ? stops(i) : undefined) });
  const late = gauge(seed++, 50, 1);
  out.push({ labels: { __name__: 'queue_length', queue: 'late' }, value: (i) => (i >= 240 ? late(i) : undefined) });
  const gappy = gauge(seed++, 10, 2);
  out.push({ labels: { __name__: 'queue_length', queue: 'gappy' }, value: (i) => (i % 50 < 30 ? gappy(i) : undefined) });
  out.push({ labels: { __name__: 'flaky_gauge', kind: 'nan' }, value: (i) => (i % 7 === 3 ? NaN : i % 13) });
  out.push({ labels: { __name__: 'up', job: 'api', instance: '0' }, value: () => 1 });
  out.push({ labels: { __name__: 'up', job: 'api', instance: '1' }, value: (i) => (i > 400 ? 0 : 1) });
  out.push({ labels: { __name__: 'up', job: 'db', instance: '0' }, value: () => 1 });
  return out;
}

const RANGE_FNS = ['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets'];
const OVER_TIME = ['avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'present_over_time', 'stddev_over_time', 'stdvar_over_time'];
const AGGS = ['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar'];

/** The query set: every feature, instant and range, including errors. */
export function queries(): string[] {
  const q: string[] = [];
  for (const f of RANGE_FNS) for (const w of ['1m', '5m']) q.push(`${f}(http_requests_total[${w}])`);
  for (const f of ['rate', 'deriv', 'delta']) q.push(`${f}(memory_bytes[10m])`);
  for (const f of OVER_TIME) q.push(`${f}(cpu_usage[5m])`, `${f}(queue_length[10m])`);
  q.push('quantile_over_time(0.9, cpu_usage[10m])', 'quantile_over_time(0.1, memory_bytes[5m])', 'absent_over_time(nonexistent[5m])', 'absent_over_time(up[5m])');
  q.push('predict_linear(memory_bytes[10m], 3600)', 'holt_winters(cpu_usage[10m], 0.5, 0.5)');
  for (const a of AGGS) q.push(`${a}(http_requests_total)`, `${a} by (job) (rate(http_requests_total[5m]))`, `${a} without (instance) (memory_bytes)`);
  q.push(
    'topk(3, http_requests_total)', 'topk(3, memory_bytes)', 'bottomk(2, memory_bytes)', 'topk by (job) (1, cpu_usage)', 'quantile(0.5, cpu_usage)', 'quantile by (job) (0.9, memory_bytes)',
    'count_values("value", up)', 'count_values by (job) ("code_count", count by (job, code) (http_requests_total))', 'sum by (code) (rate(http_requests_total[5m]))',
    'sum by (job) ({__name__=~"http_.+|memory_.+"})', 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
    'histogram_quantile(0.99, sum by (le) (rate(request_duration_seconds_bucket[5m])))', 'histogram_quantile(0.5, sum by (job, le) (rate(request_duration_seconds_bucket[10m])))',
    'histogram_quantile(0.9, rate(request_duration_seconds_bucket[5m]))', 'rate(request_duration_seconds_sum[5m]) / rate(request_duration_seconds_count[5m])',
    'http_requests_total + 1', '2 * memory_bytes', 'memory_bytes / 1e6', 'cpu_usage ^ 2', 'http_requests_total % 7', '-cpu_usage', '1 - cpu_usage',
    'cpu_usage > 0.5', 'cpu_usage > bool 0.5', '0.5 < cpu_usage', 'up == 0', 'up != bool 1', 'memory_bytes >= 5e8',
    'http_requests_total{code="500"} / ignoring(code) http_requests_total{code="200"}', 'http_requests_total / on(job, instance) group_left memory_bytes',
    'memory_bytes / on(job, instance) group_left(code) http_requests_total{code="200"}', 'sum by (job) (http_requests_total) / on(job) group_right http_requests_total',
    'rate(http_requests_total[5m]) and on(job, instance) (cpu_usage > 0.5)', 'memory_bytes or cpu_usage', 'up unless on(job) up{instance="1"}', 'memory_bytes and up',
    'http_requests_total unless http_requests_total{code="500"}', 'cpu_usage atan2 cpu_usage', '1 + 2 * 3 ^ 2 ^ 0.5', '-2 ^ 2', '(1 > bool 0) + 1',
    'up * on() group_left vector(5)', 'sum(up) == bool count(up)', 'max(memory_bytes) - min(memory_bytes)',
  );
  q.push(
    'abs(cpu_usage - 0.5)', 'ceil(cpu_usage)', 'floor(memory_bytes / 1e8)', 'round(cpu_usage, 0.1)', 'round(memory_bytes / 3)', 'sqrt(memory_bytes)', 'exp(cpu_usage)',
    'ln(memory_bytes)', 'log2(memory_bytes)', 'log10(memory_bytes)', 'sgn(cpu_usage - 0.5)', 'clamp(cpu_usage, 0.2, 0.8)', 'clamp_min(cpu_usage, 0.5)', 'clamp_max(cpu_usage, 0.5)',
    'sin(cpu_usage)', 'cos(cpu_usage)', 'tan(cpu_usage)', 'asin(cpu_usage / 10)', 'acos(cpu_usage / 10)', 'atan(cpu_usage)', 'sinh(cpu_usage)', 'cosh(cpu_usage)', 'tanh(cpu_usage)',
    'asinh(cpu_usage)', 'acosh(cpu_usage + 1)', 'atanh(cpu_usage / 10)', 'deg(cpu_usage)', 'rad(cpu_usage)', 'pi()', 'time()', 'vector(1)', 'vector(time())', 'scalar(up{instance="1"})',
    'scalar(up)', 'timestamp(up)', 'timestamp(sum(up))', 'absent(nonexistent{job="x"})', 'absent(up)', 'hour()', 'minute(vector(1700000000))', 'day_of_week()', 'day_of_month()',
    'day_of_year()', 'days_in_month()', 'month()', 'year()', 'label_replace(up, "host", "$1", "instance", "(.*)")', 'label_replace(up, "job", "x-$1", "job", "a(.*)")',
    'label_join(up, "id", "-", "job", "instance")', 'sort(memory_bytes)', 'sort_desc(cpu_usage)', 'flaky_gauge', 'flaky_gauge + 1', 'sum(flaky_gauge)', 'max_over_time(flaky_gauge[5m])',
  );
  q.push(
    'http_requests_total offset 5m', 'rate(http_requests_total[5m] offset 10m)', 'memory_bytes offset -5m', 'up @ end()', 'rate(http_requests_total[5m] @ start())',
    'max_over_time(rate(http_requests_total[1m])[10m:1m])', 'avg_over_time(cpu_usage[10m:])', 'min_over_time(sum by (job) (memory_bytes)[15m:2m])', 'rate(http_requests_total[5m:30s])',
    'max_over_time(deriv(memory_bytes[5m])[10m:1m] offset 5m)', 'batch_jobs_processed_total', 'rate(batch_jobs_processed_total[5m])', 'queue_length', 'increase(queue_length[10m])',
    '{__name__="up"}', '{job="api"}', 'up{instance=~"0|1"}', 'up{instance!~"1"}', 'up{instance!="1", job=~"a.*"}', 'memory_bytes{nonexistent=""}', '{__name__=~"queue_.*", queue!="late"}',
    'count by (__name__) ({__name__=~".+"})', 'sum without (le) (request_duration_seconds_bucket)',
  );
  q.push(
    'sum(', 'rate(up)', 'up[5m] + 1', '1 > 2', 'foo{', 'sum by (job) up', 'unknown_fn(up)', 'up + on(job) up', 'topk(up, 2)', '{a=""}', 'up offset', 'label_replace(up, "0bad", "", "", "")',
  );
  return q;
}
