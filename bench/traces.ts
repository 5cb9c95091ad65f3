/**
 * `npm run bench:traces`: OTLP traces ingest and trace-by-id. Generates BENCH_SPANS (default
 * 1,000,000) spans as traces of 10 spans across 5 services (each span with 4 attributes, 1 in
 * 50 traces with an error), sends them as OTLP protobuf (5,000 spans per request, 4 concurrent
 * senders) to a fresh allseer, and prints spans/s, CPU-s per 1M spans, peak RSS, bytes/span on
 * disk, and trace-by-id latency (p50 and p99 over 50 random traces, through the HTTP API),
 * beside the figure Jaeger's ClickHouse backend states (52k spans/s on 4 cores).
 */
import { fmt, getJson, ingestAndSettle, rng, tableBytes, withDataDir } from './events.js';
import { encodeSpans, type BenchSpan } from './otlp-encode.js';
import { startOurs, stop } from './targets.js';

const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const PER_TRACE = 10;
const PER_REQUEST = 5000;
const SENDERS = 4;
const SERVICES = ['frontend', 'checkout', 'payments', 'inventory', 'db'];

function workload(): { bodies: Buffer[]; probes: string[] } {
  const r = rng(7);
  const traces = Math.ceil(SPANS / PER_TRACE);
  const endMs = Date.now();
  const spanMs = Math.max(3_600_000, traces * 10);
  const bodies: Buffer[] = [];
  const probes: string[] = [];
  let batch = new Map<string, BenchSpan[]>();
  let inBatch = 0;
  const id = (bytes: number) => {
    const b = Buffer.alloc(bytes);
    for (let k = 0; k < bytes; k += 4) b.writeUInt32LE(Math.floor(r() * 4294967296), k);
    return b;
  };
  for (let t = 0; t < traces; t++) {
    const traceId = id(16);
    if (t % Math.max(1, Math.floor(traces / 50)) === 3) probes.push(traceId.toString('hex'));
    const start = BigInt(endMs - spanMs + Math.floor((t / traces) * spanMs)) * 1_000_000n;
    const error = t % 50 === 0;
    const ids: Buffer[] = [];
    for (let s = 0; s < PER_TRACE; s++) {
      const spanId = id(8);
      ids.push(spanId);
      const service = SERVICES[Math.min(SERVICES.length - 1, Math.floor(s / 2))]!;
      const offset = BigInt(s) * 2_000_000n;
      const span: BenchSpan = {
        traceId, spanId, ...(s > 0 ? { parentSpanId: ids[Math.floor((s - 1) / 2)]! } : {}), name: `${service} op ${s % 3}`, kind: s === 0 ? 2 : 3,
        startNs: start + offset, endNs: start + offset + BigInt(1_000_000 + Math.floor(r() * 50_000_000)),
        attributes: { 'http.method': 'GET', 'http.route': `/api/${service}`, 'net.peer.name': `${service}.internal`, 'request.id': String(Math.floor(r() * 1e9)) },
        error: error && s === PER_TRACE - 1,
      };
      const list = batch.get(service) ?? [];
      list.push(span);
      batch.set(service, list);
      if (++inBatch === PER_REQUEST) {
        bodies.push(encodeSpans(batch));
        batch = new Map();
        inBatch = 0;
      }
    }
  }
  if (inBatch > 0) bodies.push(encodeSpans(batch));
  return { bodies, probes };
}

async function main(): Promise<void> {
  const g0 = performance.now();
  const { bodies, probes } = workload();
  const wire = bodies.reduce((n, b) => n + b.length, 0);
  console.log(`workload: ${SPANS.toLocaleString('en-US')} spans (${PER_TRACE} per trace, ${SERVICES.length} services) in ${bodies.length} OTLP protobuf requests (${(wire / 1048576).toFixed(0)} MiB), ${SENDERS} senders; generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
  await withDataDir('traces', async (dir) => {
    const target = await startOurs(dir);
    const ingest = await ingestAndSettle(target, `${target.baseUrl}/v1/traces`, bodies, SPANS, SENDERS);
    const waited = ingest.settledAfter;
    console.log(`lookups timed after the server went idle (${fmt(waited, 0)} s after the last insert)`);
    const times: number[] = [];
    let spansFound = 0;
    for (const id of [...probes, ...probes.slice(0, 1)]) {
      const t0 = performance.now();
      const tree = (await getJson(target.baseUrl, `/api/v1/traces/${id}`)) as { data: { spans: unknown[] } };
      times.push(performance.now() - t0);
      spansFound += tree.data.spans.length;
    }
    times.shift(); // the first lookup warms caches
    times.sort((a, b) => a - b);
    await stop(target.proc);
    const bytes = await tableBytes(dir, ['spans', 'trace_index']);
    console.log(`\nchecked ${probes.length} traces by id: ${spansFound} spans found (expected ${(probes.length + 1) * PER_TRACE})${ingest.failed ? `; ${ingest.failed} failed requests` : ''}`);
    console.log('\n| | allseer | Jaeger ClickHouse (stated, 4 cores) |');
    console.log('|---|---|---|');
    console.log(`| spans/s (acked) | ${fmt(ingest.ackedPerSec)} | 52,000 |`);
    console.log(`| spans/s (stored) | ${fmt(ingest.storedPerSec)} | |`);
    console.log(`| CPU-s per 1M spans | ${fmt(ingest.cpuPerMillion, 2)} | |`);
    console.log(`| peak RSS MiB | ${fmt(ingest.peakRssMiB)} | |`);
    console.log(`| bytes/span on disk | ${fmt(((bytes.spans ?? 0) + (bytes.trace_index ?? 0)) / SPANS, 1)} | |`);
    console.log(`| trace by id p50 / p99 (ms) | ${fmt(times[Math.floor(times.length / 2)]!, 1)} / ${fmt(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!, 1)} | |`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
