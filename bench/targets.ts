import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, serverArgs, serverEnv } from '../test/child-server.js';
import { ChdbConnection } from '../src/storage/clickhouse/connection-chdb.js';
import { render, sql } from '../src/storage/clickhouse/sql.js';
import { dirBytes } from './proc.js';

/** One system under test: how to start it, where to write, how to measure its disk use. */
export interface Target {
  name: string;
  proc: ChildProcess;
  /** Base URL of its Prometheus-compatible HTTP API. */
  baseUrl: string;
  writeUrl: string;
  /** Waits until everything acknowledged is stored (ours) or flushed (others). */
  drain(): Promise<void>;
  /** Stops the process and returns bytes on disk after merging/compaction. */
  stopAndMeasure(): Promise<{ bytes: number; note: string }>;
}

async function waitHttp(url: string, proc: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start`);
}

export async function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  process.kill(proc.pid!, signal);
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(dir: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const now = dirBytes(dir);
    if (now === last) return now;
    last = now;
    await sleep(1000);
  }
  return last;
}

export async function startOurs(dir: string): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_CONFIG: a config file for allseer (to compare settings); defaults otherwise.
  const configArgs = process.env.BENCH_CONFIG ? ['--config', process.env.BENCH_CONFIG] : [];
  const proc = spawn(process.execPath, [...nodeArgs, ...serverArgs(), ...configArgs], { env: { ...serverEnv(), ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'warn', SELF_SCRAPE_INTERVAL: '0s' }, stdio: ['ignore', process.env.BENCH_STDOUT ? 'inherit' : 'ignore', 'inherit'] });
  // A benchmark that fails half way must not leave its server running.
  process.once('exit', () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); });
  await waitHttp(`${url}/health/ready`, proc, 'allseer');
  return {
    name: 'allseer',
    proc,
    baseUrl: url,
    writeUrl: `${url}/api/v1/write`,
    drain: async () => {
      for (;;) {
        const health = (await (await fetch(`${url}/health`)).json()) as { components: { wal: { detail: string } } };
        if (health.components.wal.detail.startsWith('0 bytes')) return;
        await sleep(100);
      }
    },
    stopAndMeasure: async () => {
      if (process.env.BENCH_THREADS) {
        const text = await (await fetch(`${url}/metrics`)).text();
        const pick = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 'NaN') / 1048576;
        console.log(`allseer memory MiB after ingest: rss ${pick('allseer_process_resident_memory_bytes').toFixed(0)}, heap ${pick('allseer_nodejs_heap_size_used_bytes').toFixed(0)}/${pick('allseer_nodejs_heap_size_total_bytes').toFixed(0)}, external ${pick('allseer_nodejs_external_memory_bytes').toFixed(0)}, ClickHouse ${pick('allseer_storage_memory_bytes').toFixed(0)}`);
      }
      await stop(proc);
      const conn = new ChdbConnection({ path: join(dir, 'chdb'), maxServerMemoryBytes: 2 * 1024 ** 3, maxQueryMemoryBytes: 1024 ** 3 });
      await conn.command(render(sql`OPTIMIZE TABLE allseer.samples FINAL`));
      await conn.command(render(sql`OPTIMIZE TABLE allseer.series FINAL`));
      const out = (await conn.query(render(sql`SELECT table, sum(bytes_on_disk) FROM system.parts WHERE database = 'allseer' AND active GROUP BY table ORDER BY table`), 'TabSeparated')).toString();
      const columns = (await conn.query(render(sql`SELECT name, data_compressed_bytes FROM system.columns WHERE database = 'allseer' AND table = 'samples' ORDER BY name`), 'TabSeparated')).toString().trim().replaceAll('\n', ', ').replaceAll('\t', ' ');
      await conn.close();
      const bytes: Record<string, number> = Object.fromEntries(out.trim().split('\n').map((l) => l.split('\t')).map(([t, b]) => [t ?? '', Number(b)]));
      const total = (bytes.samples ?? 0) + (bytes.series ?? 0) + (bytes.metadata ?? 0);
      return { bytes: total, note: `samples ${bytes.samples ?? 0} B (columns: ${columns}) + series ${bytes.series ?? 0} B after OPTIMIZE FINAL` };
    },
  };
}

export async function startVictoriaMetrics(dir: string, extraArgs: string[] = []): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn('victoria-metrics', [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR', ...extraArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitHttp(`${url}/health`, proc, 'victoria-metrics');
  return {
    name: 'victoria-metrics',
    proc,
    baseUrl: url,
    writeUrl: `${url}/api/v1/write`,
    drain: async () => { await fetch(`${url}/internal/force_flush`); },
    stopAndMeasure: async () => {
      await fetch(`${url}/internal/force_flush`);
      await fetch(`${url}/internal/force_merge`);
      const bytes = await settle(dir);
      await stop(proc);
      return { bytes, note: 'data dir after force_flush + force_merge' };
    },
  };
}

export async function startPrometheus(dir: string): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, '..', 'prometheus-bench.yml');
  writeFileSync(config, 'global: {}\nscrape_configs: []\n');
  const proc = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--web.enable-admin-api', '--log.level=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitHttp(`${url}/-/ready`, proc, 'prometheus');
  return {
    name: 'prometheus',
    proc,
    baseUrl: url,
    writeUrl: `${url}/api/v1/write`,
    drain: () => Promise.resolve(),
    stopAndMeasure: async () => {
      const res = (await (await fetch(`${url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' })).json()) as { data: { name: string } };
      const bytes = dirBytes(join(dir, 'snapshots', res.data.name));
      await stop(proc);
      return { bytes, note: 'TSDB snapshot (head compacted into blocks)' };
    },
  };
}
