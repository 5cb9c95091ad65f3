import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, including its reaped children. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based); fields[] starts at field 3.
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
}

/**
 * Waits until the process is idle (under 5% of a core for two seconds in a row, at most
 * `maxSec`): background merges and compactions after a load would otherwise run during the first
 * timed queries. Returns the seconds waited.
 */
export async function settle(pid: number, maxSec = 120): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (quiet < 2 && performance.now() - t0 < maxSec * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSeconds(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t0) / 1000;
}

/** Peak resident set size (VmHWM) in bytes. */
export function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Bytes of every file under a directory. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** CPU seconds per thread name (summed over threads of the same name), highest first. */
export function threadCpu(pid: number): [string, number][] {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const raw = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const name = raw === 'node' ? `node[${tid === String(pid) ? 'main' : tid}]` : raw.replace(/\d+$/, '#');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / TICKS);
    } catch {
      // thread exited
    }
  }
  return [...byName].sort((a, b) => b[1] - a[1]);
}
