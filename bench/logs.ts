/**
 * `npm run bench:logs`: OTLP logs ingest and search. Generates BENCH_LINES (default 1,000,000)
 * ~155-byte logfmt lines — 20 services, 5 levels, a trace id per line, a rare token in 10 lines,
 * a common word in about 1.2% — sends them as OTLP protobuf (5,000 records per request, 4
 * concurrent senders) to a fresh allseer, and prints lines/s, MB/s, CPU-s per 1M lines, peak RSS,
 * bytes/line on disk, and the median latency of five searches through the HTTP API, beside the
 * Grafana Loki 3.4 figures the issue gives for this machine kind (Loki is not packaged here).
 */
import { fmt, getJson, latency, ingestAndSettle, rng, tableBytes, withDataDir } from './events.js';
import { encodeLogs, type BenchLog } from './otlp-encode.js';
import { threadCpu } from './proc.js';
import { startOurs, stop } from './targets.js';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const PER_REQUEST = 5000;
const SENDERS = 4;
const LEVELS = [['DEBUG', 5], ['INFO', 9], ['INFO', 9], ['INFO', 9], ['WARN', 13], ['ERROR', 17]] as const;
const MESSAGES = ['handled request', 'cache lookup finished', 'user session refreshed', 'payment authorized', 'queue message consumed', 'upstream call returned'];
const LOKI = { linesPerSec: 300_000, cpuPerMillion: 6.2, peakRssMiB: 387, bytesPerLine: 50, rare: 393, common: 528, newest: 9, traceId: 407, byLevel: 824 };

function workload(): { bodies: Buffer[]; probeTrace: string; startMs: number; endMs: number } {
  const r = rng(42);
  const endMs = Date.now();
  const spanMs = Math.max(3_600_000, LINES * 2);
  const startMs = endMs - spanMs;
  const rareEvery = Math.floor(LINES / 10);
  const bodies: Buffer[] = [];
  let probeTrace = '';
  for (let first = 0; first < LINES; first += PER_REQUEST) {
    const byService = new Map<string, BenchLog[]>();
    for (let i = first; i < Math.min(LINES, first + PER_REQUEST); i++) {
      const service = `svc-${String(Math.floor(r() * 20)).padStart(2, '0')}`;
      const [level, severity] = LEVELS[Math.floor(r() * LEVELS.length)]!;
      const traceId = Buffer.alloc(16);
      for (let k = 0; k < 16; k += 4) traceId.writeUInt32LE(Math.floor(r() * 4294967296), k);
      if (i === Math.floor(LINES / 2)) probeTrace = traceId.toString('hex');
      const msg = i % rareEvery === 7 ? 'zebracorn sighted' : r() < 0.012 ? 'upstream timeout' : MESSAGES[Math.floor(r() * MESSAGES.length)]!;
      const body = `level=${level.toLowerCase()} service=${service} msg="${msg}" method=GET path=/api/items/${Math.floor(r() * 100_000)} status=${r() < 0.05 ? 500 : 200} duration_ms=${Math.floor(r() * 900)} user=u-${Math.floor(r() * 10_000)}`;
      const list = byService.get(service) ?? [];
      list.push({ timeNs: BigInt(startMs + Math.floor((i / LINES) * spanMs)) * 1_000_000n, severityNumber: severity, severityText: level, body, traceId, spanId: traceId.subarray(0, 8) });
      byService.set(service, list);
    }
    bodies.push(encodeLogs(byService));
  }
  return { bodies, probeTrace, startMs, endMs };
}

async function main(): Promise<void> {
  const g0 = performance.now();
  const { bodies, probeTrace, startMs, endMs } = workload();
  const wire = bodies.reduce((n, b) => n + b.length, 0);
  console.log(`workload: ${LINES.toLocaleString('en-US')} log lines in ${bodies.length} OTLP protobuf requests (${(wire / 1048576).toFixed(0)} MiB), ${SENDERS} senders; generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
  await withDataDir('logs', async (dir) => {
    const target = await startOurs(dir);
    const ingest = await ingestAndSettle(target, `${target.baseUrl}/v1/logs`, bodies, LINES, SENDERS);
    const waited = ingest.settledAfter;
    if (process.env.BENCH_THREADS) console.log('allseer CPU by thread:', threadCpu(target.proc.pid!).slice(0, 12).map(([n, c]) => `${n} ${c.toFixed(2)}s`).join(', '));
    const range = `start=${Math.floor(startMs / 1000)}&end=${Math.ceil(endMs / 1000) + 1}`;
    const stepAll = Math.ceil((Math.ceil((endMs - startMs) / 1000) + 2) / 60) * 60; // whole minutes, as a histogram over hours picks
    const base = target.baseUrl;
    const checks = {
      rare: () => getJson(base, `/api/v1/logs?q=zebracorn&limit=100&${range}`),
      common: () => getJson(base, `/api/v1/logs/histogram?q=timeout&step=${stepAll}&${range}`),
      newest: () => getJson(base, `/api/v1/logs?service=svc-07&limit=100&${range}`),
      traceId: () => getJson(base, `/api/v1/logs?trace_id=${probeTrace}&${range}`),
      byLevel: () => getJson(base, `/api/v1/logs/histogram?by=severity&${range}`),
    };
    const found = {
      rare: ((await checks.rare()) as { data: { records: unknown[] } }).data.records.length,
      common: ((await checks.common()) as { data: { buckets: { count: number }[] } }).data.buckets.reduce((n, b) => n + b.count, 0),
      traceId: ((await checks.traceId()) as { data: { records: unknown[] } }).data.records.length,
    };
    const ms: Record<string, number> = {};
    for (const [name, f] of Object.entries(checks)) ms[name] = await latency(f);
    await stop(target.proc);
    const bytes = await tableBytes(dir, ['logs']);
    const perLine = (bytes.logs ?? 0) / LINES;
    console.log(`\nsearches timed after the server went idle (${fmt(waited, 0)} s after the last insert)`);
    console.log(`found: rare token ${found.rare} lines, common word ${fmt(found.common)} lines, trace id ${found.traceId} line(s)${ingest.failed ? `; ${ingest.failed} failed requests` : ''}`);
    console.log('\n| | allseer | Loki 3.4 (issue) | ratio |');
    console.log('|---|---|---|---|');
    console.log(`| lines/s (acked) | ${fmt(ingest.ackedPerSec)} | ${fmt(LOKI.linesPerSec)} | ×${fmt(ingest.ackedPerSec / LOKI.linesPerSec, 2)} |`);
    console.log(`| lines/s (stored) | ${fmt(ingest.storedPerSec)} | | |`);
    console.log(`| MB/s (wire) | ${fmt(ingest.mbPerSec, 1)} | | |`);
    console.log(`| CPU-s per 1M lines | ${fmt(ingest.cpuPerMillion, 2)} | ${fmt(LOKI.cpuPerMillion, 1)} | ×${fmt(ingest.cpuPerMillion / LOKI.cpuPerMillion, 2)} |`);
    console.log(`| peak RSS MiB | ${fmt(ingest.peakRssMiB)} | ${fmt(LOKI.peakRssMiB)} | ×${fmt(ingest.peakRssMiB / LOKI.peakRssMiB, 2)} |`);
    console.log(`| bytes/line on disk | ${fmt(perLine, 1)} | ~${LOKI.bytesPerLine} | ×${fmt(perLine / LOKI.bytesPerLine, 2)} |`);
    const rows: [string, keyof typeof LOKI][] = [['rare token (ms)', 'rare'], ['common-word count (ms)', 'common'], ['newest 100 of one service (ms)', 'newest'], ['trace id (ms)', 'traceId'], ['count by level over time (ms)', 'byLevel']];
    for (const [label, k] of rows) console.log(`| ${label} | ${fmt(ms[k]!, 1)} | ${LOKI[k]} | ${fmt(LOKI[k] / ms[k]!, 1)}× faster |`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
