import { Workload } from './workload.js';

export const SENDERS = 4;
export const PER_REQUEST = 2500;
export const STEP_MS = 15_000;

/** The benchmark workload's request bodies, [step][chunk], ending now. */
export function workloadBodies(series: number, steps: number): { workload: Workload; bodies: Buffer[][] } {
  const workload = new Workload({ series, steps, stepMs: STEP_MS, perRequest: PER_REQUEST, startMs: Date.now() - steps * STEP_MS });
  const bodies = Array.from({ length: steps }, (_, step) => Array.from({ length: workload.chunks }, (_, chunk) => workload.body(step, chunk)));
  return { workload, bodies };
}

/** One remote_write sender: every SENDERS-th chunk of each step, in step order; retries 429/503. */
export async function send(url: string, bodies: Buffer[][], sender: number, errors: { n: number }): Promise<void> {
  const chunks = bodies[0]!.length;
  for (let step = 0; step < bodies.length; step++) {
    for (let chunk = sender; chunk < chunks; chunk += SENDERS) {
      for (;;) {
        const res = await fetch(url, {
          method: 'POST',
          body: bodies[step]![chunk]!,
          headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
        });
        await res.arrayBuffer();
        if (res.ok) break;
        if (res.status !== 429 && res.status !== 503) {
          errors.n++;
          break;
        }
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? '1')));
      }
    }
  }
}

/** Sends the whole workload with SENDERS concurrent senders. */
export async function sendAll(url: string, bodies: Buffer[][]): Promise<number> {
  const errors = { n: 0 };
  await Promise.all(Array.from({ length: SENDERS }, (_, i) => send(url, bodies, i, errors)));
  return errors.n;
}
