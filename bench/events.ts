import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbConnection } from '../src/storage/clickhouse/connection-chdb.js';
import { database, ident, render, sql } from '../src/storage/clickhouse/sql.js';
import { cpuSeconds, peakRss, settle } from './proc.js';
import type { Target } from './targets.js';

/** Sends request bodies with `senders` concurrent senders (retrying 429/503); returns failed requests. */
export async function sendBodies(url: string, bodies: readonly Buffer[], senders: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const one = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      for (;;) {
        const res = await fetch(url, { method: 'POST', body: bodies[i]!, headers: { 'Content-Type': 'application/x-protobuf' } });
        await res.arrayBuffer();
        if (res.ok) break;
        if (res.status !== 429 && res.status !== 503) {
          failed++;
          break;
        }
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? '1')));
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, one));
  return failed;
}

/** Ingest figures of one run: items per second until acknowledged and until stored, CPU, memory. */
export async function measureIngest(target: Target, url: string, bodies: readonly Buffer[], items: number, senders: number): Promise<{ ackedPerSec: number; storedPerSec: number; cpuPerMillion: number; peakRssMiB: number; mbPerSec: number; failed: number }> {
  const pid = target.proc.pid!;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const failed = await sendBodies(url, bodies, senders);
  const acked = (performance.now() - t0) / 1000;
  await target.drain();
  const stored = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const wire = bodies.reduce((n, b) => n + b.length, 0);
  return { ackedPerSec: items / acked, storedPerSec: items / stored, cpuPerMillion: cpu / (items / 1e6), peakRssMiB: peakRss(pid) / 1048576, mbPerSec: wire / 1e6 / acked, failed };
}

/**
 * Ingests `bodies` (see measureIngest), then lets go of them and waits until the server is idle,
 * so that queries are timed on data at rest. Returns the ingest figures and the seconds waited.
 */
export async function ingestAndSettle(target: Target, url: string, bodies: Buffer[], items: number, senders: number): Promise<Awaited<ReturnType<typeof measureIngest>> & { settledAfter: number }> {
  const figures = await measureIngest(target, url, bodies, items, senders);
  bodies.length = 0;
  global.gc?.();
  return { ...figures, settledAfter: await settle(target.proc.pid!, 300) };
}

/** Median latency in ms of `runs` calls of `f` after one warm-up call. */
export async function latency(f: () => Promise<unknown>, runs = 5): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** GETs a JSON API path; throws on an error status. */
export async function getJson(base: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Bytes on disk of `tables` after OPTIMIZE FINAL, read from the stopped server's chDB directory. */
export async function tableBytes(dataDir: string, tables: readonly ('logs' | 'spans' | 'trace_index' | 'events')[]): Promise<Record<string, number>> {
  const conn = new ChdbConnection({ path: join(dataDir, 'chdb'), maxServerMemoryBytes: 2 * 1024 ** 3, maxQueryMemoryBytes: 1024 ** 3 });
  const out: Record<string, number> = {};
  for (const t of tables) {
    await conn.command(render(sql`OPTIMIZE TABLE ${database('allseer')}.${ident(t)} FINAL`));
  }
  const rows = (await conn.query(render(sql`SELECT table, sum(bytes_on_disk) FROM system.parts WHERE database = 'allseer' AND active GROUP BY table`), 'TabSeparated')).toString();
  for (const [t, b] of rows.trim().split('\n').map((l) => l.split('\t'))) out[t ?? ''] = Number(b);
  await conn.close();
  return out;
}

/** Runs `f` with a fresh data directory for allseer under the temporary directory; removes it afterwards unless BENCH_KEEP is set. */
export async function withDataDir(name: string, f: (dir: string) => Promise<void>): Promise<void> {
  const root = join(tmpdir(), `allseer-bench-${name}-${process.pid}`);
  mkdirSync(root, { recursive: true });
  try {
    await f(join(root, 'allseer'));
  } finally {
    if (process.env.BENCH_KEEP) console.log(`kept data under ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

/** Numbers as the benchmark tables print them. */
export const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The benchmarks' deterministic random numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
