/**
 * `npm run bench:ingest`: the same Prometheus-like remote_write workload against allseer,
 * VictoriaMetrics and Prometheus (Debian packages, installed on demand), in one run. Prints per
 * target samples/s, server CPU-seconds per 1M samples, peak RSS and bytes per sample on disk,
 * and allseer's ratio to each. Scale with BENCH_SERIES, BENCH_STEPS, BENCH_TARGETS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, peakRss, threadCpu } from './proc.js';
import { startOurs, startPrometheus, startVictoriaMetrics, type Target } from './targets.js';
import { PER_REQUEST, SENDERS, sendAll, workloadBodies } from './load.js';

const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const STEPS = Number(process.env.BENCH_STEPS ?? 1440);
const TARGETS = (process.env.BENCH_TARGETS ?? 'allseer,victoria-metrics,prometheus').split(',');

interface Result {
  name: string;
  samplesPerSec: number;
  storedPerSec: number;
  cpuPerMillion: number;
  peakRssMiB: number;
  bytesPerSample: number;
  note: string;
  errors: number;
}

async function run(start: () => Promise<Target>, bodies: Buffer[][], samples: number): Promise<Result> {
  const target = await start();
  const pid = target.proc.pid!;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const errors = { n: await sendAll(target.writeUrl, bodies) };
  const acked = (performance.now() - t0) / 1000;
  await target.drain();
  const stored = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  if (process.env.BENCH_THREADS) console.log(`${target.name} CPU by thread:`, threadCpu(pid).slice(0, 12).map(([n, s]) => `${n} ${s.toFixed(2)}s`).join(', '));
  const rss = peakRss(pid);
  const disk = await target.stopAndMeasure();
  return {
    name: target.name,
    samplesPerSec: samples / acked,
    storedPerSec: samples / stored,
    cpuPerMillion: cpu / (samples / 1e6),
    peakRssMiB: rss / 1048576,
    bytesPerSample: disk.bytes / samples,
    note: disk.note,
    errors: errors.n,
  };
}

async function main(): Promise<void> {
  const installer = fileURLToPath(new URL('../scripts/install-debian.sh', import.meta.url));
  execFileSync('sh', [installer, 'prometheus=prometheus', 'victoria-metrics=victoria-metrics'], { stdio: 'inherit' });
  const g0 = performance.now();
  const { workload, bodies } = workloadBodies(SERIES, STEPS);
  const wire = bodies.flat().reduce((n, b) => n + b.length, 0);
  console.log(`workload: ${SERIES} series × ${STEPS} samples = ${workload.totalSamples} samples in ${bodies.flat().length} requests of ≤${PER_REQUEST} samples (${(wire / 1048576).toFixed(0)} MiB snappy), ${SENDERS} concurrent senders; generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
  const root = join(tmpdir(), `allseer-bench-${process.pid}`);
  const starters: Record<string, () => Promise<Target>> = {
    allseer: () => startOurs(join(root, 'allseer')),
    'victoria-metrics': () => startVictoriaMetrics(join(root, 'vm')),
    prometheus: () => startPrometheus(join(root, 'prometheus')),
  };
  const results: Result[] = [];
  try {
    for (const name of TARGETS) {
      mkdirSync(root, { recursive: true });
      const r = await run(starters[name]!, bodies, workload.totalSamples);
      results.push(r);
      console.log(`${r.name}: done (${r.note}${r.errors ? `, ${r.errors} failed requests` : ''})`);
    }
  } finally {
    if (process.env.BENCH_KEEP) console.log(`kept data under ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log('\n| target | samples/s (acked) | samples/s (stored) | CPU-s per 1M samples | peak RSS MiB | bytes/sample on disk |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${fmt(r.samplesPerSec)} | ${fmt(r.storedPerSec)} | ${fmt(r.cpuPerMillion, 2)} | ${fmt(r.peakRssMiB)} | ${fmt(r.bytesPerSample, 2)} |`);
  }
  const ours = results.find((r) => r.name === 'allseer');
  if (ours) {
    for (const other of results.filter((r) => r !== ours)) {
      console.log(`allseer / ${other.name}: samples/s ×${fmt(ours.samplesPerSec / other.samplesPerSec, 2)} (stored ×${fmt(ours.storedPerSec / other.storedPerSec, 2)}), CPU per sample ×${fmt(ours.cpuPerMillion / other.cpuPerMillion, 2)}, peak RSS ×${fmt(ours.peakRssMiB / other.peakRssMiB, 2)}, bytes/sample ×${fmt(ours.bytesPerSample / other.bytesPerSample, 2)}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
