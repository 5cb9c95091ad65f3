import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '../../api/errors.js';
import type { IngestLimits } from '../append.js';
import type { DecodeRequest, DecodeResult } from '../decode.js';

interface Pending {
  resolve: (r: DecodeResult) => void;
  reject: (e: Error) => void;
}

interface Reply {
  id: number;
  result?: DecodeResult;
  error?: { code: ErrorCode; message: string; details: Record<string, unknown>; headers: Record<string, string> };
}

export interface DecodePoolOptions {
  workers: number;
  limits: IngestLimits;
  bodyLimitBytes: number;
  onError: (err: Error) => void;
}

/**
 * Worker threads that decode request bodies, so the main thread only serves HTTP and the WAL.
 * A tenant always goes to the same worker: its series state (ordering checks) lives there.
 */
export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { worker: number } & Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly o: DecodePoolOptions) {
    for (let i = 0; i < o.workers; i++) this.workers.push(this.spawn(i));
  }

  private spawn(index: number): Worker {
    // Young generation: 16 MiB measured best on the ingest bench (64: more RSS and more worker CPU; 8: no better).
    const w = new Worker(workerFile(), { workerData: { limits: this.o.limits, bodyLimitBytes: this.o.bodyLimitBytes }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    w.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error) p.reject(new ApiError(reply.error.code, reply.error.message, reply.error.details, reply.error.headers));
      else p.resolve(revive(reply.result!));
    });
    w.on('error', (err) => {
      this.o.onError(err);
      this.failWorker(index, err);
    });
    w.on('exit', (code) => {
      if (this.closed) return;
      this.failWorker(index, new Error(`decode worker exited with code ${code}`));
      this.workers[index] = this.spawn(index);
    });
    return w;
  }

  private failWorker(index: number, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== index) continue;
      this.pending.delete(id);
      p.reject(new ApiError('INTERNAL', `decoding failed: ${err.message}`));
    }
  }

  private workerOf(tenant: string): number {
    let h = 0;
    for (let i = 0; i < tenant.length; i++) h = (h * 31 + tenant.charCodeAt(i)) >>> 0;
    return h % this.workers.length;
  }

  /** See SeriesCache.forgetOrder; runs in the tenant's worker, after what it was already sent. */
  forgetOrder(tenant: string): void {
    this.workers[this.workerOf(tenant)]!.postMessage({ forgetOrder: tenant });
  }

  decode(req: DecodeRequest): Promise<DecodeResult> {
    const index = this.workerOf(req.tenant);
    const id = this.nextId++;
    // Copy the body into its own ArrayBuffer: request buffers may share pooled memory.
    const body = new Uint8Array(req.body.byteLength);
    body.set(req.body);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker: index, resolve, reject });
      this.workers[index]!.postMessage({ id, req: { ...req, body } }, [body.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Structured clone turns Buffers into Uint8Arrays; make them Buffers again. */
function revive(r: DecodeResult): DecodeResult {
  const b = r.block;
  const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { ...r, block: { ...b, series: buf(b.series), samples: buf(b.samples), metadata: buf(b.metadata) } };
}

/** The compiled worker script (tests that run TypeScript sources use the build in dist/). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./decode-worker.js', import.meta.url));
  return here.replace(/\/src\/ingest\/worker\/decode-worker\.js$/, '/dist/ingest/worker/decode-worker.js');
}
