import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './child-server.js';

const INSTALL = fileURLToPath(new URL('../scripts/install-debian.sh', import.meta.url));

export interface PrometheusProcess {
  url: string;
  /** What Prometheus logged so far (stderr). */
  log: () => string;
  /** SIGTERM by PID, then waits for the exit. */
  stop: () => Promise<void>;
}

/**
 * Starts a real Prometheus (Debian's `prometheus` package, installed if missing) on a free
 * loopback port with `configYaml`, its data under `dir`.
 */
export async function startPrometheus(dir: string, configYaml: string, extraArgs: string[] = []): Promise<PrometheusProcess> {
  execFileSync('sh', [INSTALL, 'prometheus=prometheus'], { stdio: 'inherit' });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, configYaml);
  const port = await freePort();
  const proc = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d: Buffer) => { log += d.toString(); });
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    stop: async () => {
      if (!proc.pid || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(proc.pid, 'SIGTERM');
      await exited;
    },
  };
}
