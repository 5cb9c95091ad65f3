/**
 * `npm run bench:query`: loads the ingest benchmark's workload (10,000 series × 1,440 samples at
 * 15 s = 6 hours) into allseer, VictoriaMetrics (with `-search.disableCache`) and Prometheus, one
 * after the other in the same run, and times eight query_range queries over the whole 6 hours at
 * step 15 s: RUNS runs each after one warm-up, median and p90 per target, and allseer's ratios.
 * Each target first gets to finish its background work after the load (merges, compaction).
 * Scale with BENCH_SERIES, BENCH_STEPS, BENCH_RUNS; pick targets with BENCH_TARGETS and
 * queries (by name) with BENCH_QUERIES.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendAll, STEP_MS, workloadBodies } from './load.js';
import { settle } from './proc.js';
import { startOurs, startPrometheus, startVictoriaMetrics, stop, type Target } from './targets.js';

const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const STEPS = Number(process.env.BENCH_STEPS ?? 1440);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGETS = (process.env.BENCH_TARGETS ?? 'allseer,victoria-metrics,prometheus').split(',');

/** The issue's query set, with the workload's metric names. */
const ALL_QUERIES: [string, string][] = [
  ['rate_sum_by_code', 'sum by (code) (rate(http_requests_total[5m]))'],
  ['sum_by_job_all', 'sum by (job) ({__name__=~"(http|node)_.+"})'],
  ['hist_quantile_p99', 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'],
  ['topk5_rate', 'topk(5, rate(http_requests_total[5m]))'],
  ['regex_rate', 'sum(rate(http_requests_total{job=~"job-[1-3]", code=~"20[0-2]"}[5m]))'],
  ['raw_regex', 'http_requests_total{instance=~"10\\\\.0\\\\.0\\\\.1.*"}'],
  ['avg_over_time_1h', 'sum by (job) (avg_over_time(node_memory_usage_ratio[1h]))'],
  ['single_series', 'node_memory_usage_ratio{instance="10.0.16.4:9100"}'],
];
const QUERIES = ALL_QUERIES.filter(([name]) => !process.env.BENCH_QUERIES || process.env.BENCH_QUERIES.split(',').includes(name));

interface Timing {
  median: number;
  p90: number;
  series: number;
  error?: string;
}

async function time(target: Target, query: string, start: number, end: number): Promise<{ ms: number; series: number; error?: string }> {
  const url = `${target.baseUrl}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start / 1000}&end=${end / 1000}&step=15`;
  const t0 = performance.now();
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  const ms = performance.now() - t0;
  return { ms, series: body.data?.result.length ?? 0, ...(body.status === 'success' ? {} : { error: body.error ?? res.statusText }) };
}

async function measure(target: Target, start: number, end: number): Promise<Map<string, Timing>> {
  const out = new Map<string, Timing>();
  for (const [name, query] of QUERIES) {
    const warm = await time(target, query, start, end);
    if (warm.error) {
      out.set(name, { median: NaN, p90: NaN, series: 0, error: warm.error });
      continue;
    }
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) ms.push((await time(target, query, start, end)).ms);
    ms.sort((a, b) => a - b);
    out.set(name, { median: ms[Math.floor(ms.length / 2)]!, p90: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.9) - 1)]!, series: warm.series });
    console.log(`${target.name} ${name}: median ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} ms, ${warm.series} series`);
  }
  return out;
}

async function main(): Promise<void> {
  const installer = fileURLToPath(new URL('../scripts/install-debian.sh', import.meta.url));
  execFileSync('sh', [installer, 'prometheus=prometheus', 'victoria-metrics=victoria-metrics'], { stdio: 'inherit' });
  const { workload, bodies } = workloadBodies(SERIES, STEPS);
  const start = workload.o.startMs;
  const end = start + (STEPS - 1) * STEP_MS;
  console.log(`workload: ${SERIES} series × ${STEPS} samples; ${QUERIES.length} query_range queries over ${((end - start) / 3_600_000).toFixed(1)} h at step 15s, ${RUNS} runs each after a warm-up`);
  const root = join(tmpdir(), `allseer-bench-query-${process.pid}`);
  const starters: Record<string, () => Promise<Target>> = {
    allseer: () => startOurs(join(root, 'allseer')),
    'victoria-metrics': () => startVictoriaMetrics(join(root, 'vm'), ['-search.disableCache']),
    prometheus: () => startPrometheus(join(root, 'prometheus')),
  };
  const results = new Map<string, Map<string, Timing>>();
  try {
    for (const name of TARGETS) {
      mkdirSync(root, { recursive: true });
      const target = await starters[name]!();
      try {
        const failed = await sendAll(target.writeUrl, bodies);
        if (failed) throw new Error(`${name}: ${failed} requests failed`);
        await target.drain();
        console.log(`${name}: idle ${(await settle(target.proc.pid!)).toFixed(0)} s after the load`);
        results.set(name, await measure(target, start, end));
      } finally {
        await stop(target.proc);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const fmt = (t: Timing | undefined) => (!t ? '–' : t.error ? `error: ${t.error.slice(0, 60)}` : `${t.median.toFixed(0)} / ${t.p90.toFixed(0)}`);
  const names = [...results.keys()];
  console.log(`\n| query | ${names.map((n) => `${n} median / p90 ms`).join(' | ')} | series |${names.filter((n) => n !== 'allseer').map((n) => ` allseer / ${n} |`).join('')}`);
  console.log(`|---|${names.map(() => '---|').join('')}---|${names.filter((n) => n !== 'allseer').map(() => '---|').join('')}`);
  for (const [q] of QUERIES) {
    const ours = results.get('allseer')?.get(q);
    const ratios = names.filter((n) => n !== 'allseer').map((n) => {
      const other = results.get(n)!.get(q)!;
      return ours && !ours.error && !other.error ? ` ×${(ours.median / other.median).toFixed(2)} |` : ' – |';
    });
    const series = names.map((n) => results.get(n)!.get(q)!.series).join(' / ');
    console.log(`| ${q} | ${names.map((n) => fmt(results.get(n)!.get(q))).join(' | ')} | ${series} |${ratios.join('')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
