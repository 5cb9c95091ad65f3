import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ownBuffers, type SharedSamples } from '../../storage/recent/shared-samples.js';
import { QueryError } from '../value.js';
import type { PartJob, PartResult } from './part.js';

interface Pending {
  worker: number;
  resolve: (r: PartResult) => void;
  reject: (e: Error) => void;
}

/**
 * Worker threads that evaluate parts of streamed aggregations over samples in shared memory, so
 * that a heavy query uses more than one core (the main thread evaluates a part too). Parts go to
 * the worker with the fewest in flight.
 */
export class QueryWorkers {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  /** Workers are started with the first part given to them: a server that never runs a heavy query keeps no thread (nor its memory). */
  constructor(private readonly count: number, private readonly onError: (err: Error) => void) {}

  get size(): number {
    return this.count;
  }

  private spawn(index: number): Worker {
    const w = new Worker(workerFile());
    // Idle workers must not keep the process alive.
    w.unref();
    w.on('message', (reply: { id: number; result?: PartResult; error?: string }) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (--this.inFlight[index]! === 0) this.workers[index]!.unref();
      if (reply.result) p.resolve(reply.result);
      else p.reject(new QueryError('internal', `query worker: ${reply.error ?? 'no result'}`));
    });
    w.on('error', (err) => {
      this.onError(err);
      this.fail(index, err);
    });
    w.on('exit', (code) => {
      if (this.closed) return;
      this.fail(index, new Error(`query worker exited with code ${code}`));
      this.workers[index] = this.spawn(index);
    });
    return w;
  }

  private fail(index: number, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== index) continue;
      this.pending.delete(id);
      p.reject(new QueryError('internal', `query worker failed: ${err.message}`));
    }
    this.inFlight[index] = 0;
    this.workers[index]?.unref();
  }

  run(job: PartJob, samples: SharedSamples): Promise<PartResult> {
    if (this.closed) return Promise.reject(new QueryError('internal', 'query workers are closed'));
    while (this.workers.length < this.count) {
      this.inFlight.push(0);
      this.workers.push(this.spawn(this.workers.length));
    }
    let index = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.inFlight[i]! < this.inFlight[index]!) index = i;
    const id = this.nextId++;
    // A worker keeps the process alive only while it has work.
    if (this.inFlight[index]!++ === 0) this.workers[index]!.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker: index, resolve, reject });
      // The samples' arrays are the part's own: moved, not copied (the slabs are shared).
      this.workers[index]!.postMessage({ id, job, samples }, ownBuffers(samples));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The compiled worker script (tests that run TypeScript sources use the build in dist/). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./query-worker.js', import.meta.url));
  return here.replace(/\/src\/promql\/parallel\/query-worker\.js$/, '/dist/promql/parallel/query-worker.js');
}
