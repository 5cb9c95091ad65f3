import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface StartConfig {
  node_flags?: string;
  uv_threadpool_size?: string;
}

/** How `npm start` starts the server: package.json `config`. */
function startConfig(): StartConfig {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { config?: StartConfig }).config ?? {};
}

/** Node's arguments for the built server, as `npm start` gives them (package.json `config.node_flags`). */
export function serverArgs(): string[] {
  return [...(startConfig().node_flags ?? '').split(' ').filter(Boolean), MAIN];
}

/** The environment `npm start` adds (package.json `config.uv_threadpool_size`), under what `process.env` sets. */
export function serverEnv(): Record<string, string> {
  const size = startConfig().uv_threadpool_size;
  return size ? { UV_THREADPOOL_SIZE: size } : {};
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => { resolve(typeof addr === 'object' && addr ? addr.port : 0); });
    });
  });
}

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built server (`dist/main.js`) as a child process and waits until it is ready. */
export async function startChild(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...serverArgs(), ...args], {
    env: { ...serverEnv(), ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SELF_SCRAPE_INTERVAL: '0s', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${out}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return { proc, url, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not become ready: ${out}`);
}

/** Sends a signal to the child by its PID and waits for it to exit. */
export async function stopChild(child: ChildServer, signal: NodeJS.Signals): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((r) => child.proc.once('exit', r));
  process.kill(child.proc.pid!, signal);
  await exited;
}
