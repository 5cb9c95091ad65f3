import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** What a worker answers a message with: `id` is the message's, then a result or an error. */
export interface WorkerReply {
  id: number;
  result?: unknown;
  error?: unknown;
}

export interface WorkerPoolOptions<R> {
  /** The worker script (see compiledWorker). */
  file: string;
  size: number;
  workerOptions?: WorkerOptions;
  /** Start the workers with the first message instead of at once. */
  lazy?: boolean;
  /** Idle workers do not keep the process alive. */
  unrefIdle?: boolean;
  /** A worker's 'error' event (the worker is then started again). */
  onError: (err: Error) => void;
  /** A reply's result, or throws the error the reply carries. */
  settle: (reply: WorkerReply) => R;
  /** The error pending messages of a worker that failed or exited are rejected with. */
  failure: (message: string) => Error;
}

/**
 * Worker threads answering messages by id: each message is sent to a chosen worker and its
 * promise settled by the reply with its id. A worker that fails or exits rejects what it had
 * pending and is started again.
 */
export class WorkerPool<R> {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (r: R) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly o: WorkerPoolOptions<R>) {
    if (!o.lazy) this.start();
  }

  get size(): number {
    return this.o.size;
  }

  /** The worker with the fewest messages in flight. */
  leastBusy(): number {
    let index = 0;
    for (let i = 1; i < this.o.size; i++) if ((this.inFlight[i] ?? 0) < (this.inFlight[index] ?? 0)) index = i;
    return index;
  }

  /** Sends `message` (with an id added) to worker `index`; settles with its reply. */
  request(index: number, message: object, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.closed) return Promise.reject(this.o.failure('workers are closed'));
    this.start();
    const id = this.nextId++;
    // With unrefIdle a worker keeps the process alive only while it has work.
    if (this.inFlight[index]!++ === 0 && this.o.unrefIdle) this.workers[index]!.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker: index, resolve, reject });
      this.workers[index]!.postMessage({ ...message, id }, transfer);
    });
  }

  /** Sends `message` to worker `index` without waiting for an answer (after what it was already sent). */
  notify(index: number, message: object): void {
    this.start();
    this.workers[index]!.postMessage(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private start(): void {
    while (this.workers.length < this.o.size) {
      this.inFlight.push(0);
      this.workers.push(this.spawn(this.workers.length));
    }
  }

  private spawn(index: number): Worker {
    const w = new Worker(this.o.file, this.o.workerOptions);
    if (this.o.unrefIdle) w.unref();
    w.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (--this.inFlight[index]! === 0 && this.o.unrefIdle) w.unref();
      try {
        p.resolve(this.o.settle(reply));
      } catch (err) {
        p.reject(err as Error);
      }
    });
    w.on('error', (err) => {
      this.o.onError(err);
      this.fail(index, err.message);
    });
    w.on('exit', (code) => {
      if (this.closed) return;
      this.fail(index, `worker exited with code ${code}`);
      this.workers[index] = this.spawn(index);
    });
    return w;
  }

  private fail(index: number, message: string): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== index) continue;
      this.pending.delete(id);
      p.reject(this.o.failure(message));
    }
    this.inFlight[index] = 0;
    if (this.o.unrefIdle) this.workers[index]?.unref();
  }
}

/**
 * The compiled script of worker module `path` (relative to src/, as `.js`) next to the module at
 * `here` (its import.meta.url): tests run the TypeScript sources, whose workers must still be the
 * build in dist/ (Node does not run .ts in a worker by itself).
 */
export function compiledWorker(here: string, path: string): string {
  const file = fileURLToPath(new URL(path.split('/').pop()!, here));
  return file.endsWith(`/src/${path}`) ? `${file.slice(0, -`/src/${path}`.length)}/dist/${path}` : file;
}
