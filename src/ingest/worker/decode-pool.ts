import { ApiError, type ErrorCode } from '../../api/errors.js';
import type { IngestLimits } from '../append.js';
import type { CaptureLimits, CaptureRequest, EncodedCapture } from '../analytics/encode.js';
import type { DecodeRequest, DecodeResult } from '../decode.js';
import { compiledWorker, WorkerPool } from '../../util/worker-pool.js';

interface ReplyError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface DecodePoolOptions {
  workers: number;
  limits: IngestLimits;
  bodyLimitBytes: number;
  /** What analytics capture bodies (`encodeCapture`) are checked against. */
  capture: CaptureLimits;
  onError: (err: Error) => void;
}

/**
 * Worker threads that decode request bodies, so the main thread only serves HTTP and the WAL.
 * A tenant's metrics always go to the same worker: its series state (ordering checks) lives
 * there. Capture bodies, which need no state, go to the least busy worker.
 */
export class DecodePool {
  private readonly pool: WorkerPool<DecodeResult | EncodedCapture>;

  constructor(o: DecodePoolOptions) {
    this.pool = new WorkerPool<DecodeResult | EncodedCapture>({
      file: compiledWorker(import.meta.url, 'ingest/worker/decode-worker.js'),
      size: o.workers,
      // Young generation: 16 MiB measured best on the ingest bench (64: more RSS and more worker CPU; 8: no better).
      workerOptions: { workerData: { limits: o.limits, bodyLimitBytes: o.bodyLimitBytes, capture: o.capture }, resourceLimits: { maxYoungGenerationSizeMb: 16 } },
      onError: o.onError,
      settle: (reply) => {
        if (!reply.error) return 'payloads' in (reply.result as object) ? reviveCapture(reply.result as EncodedCapture) : revive(reply.result as DecodeResult);
        const e = reply.error as ReplyError;
        throw new ApiError(e.code, e.message, e.details, e.headers);
      },
      failure: (message) => new ApiError('INTERNAL', `decoding failed: ${message}`),
    });
  }

  private workerOf(tenant: string): number {
    let h = 0;
    for (let i = 0; i < tenant.length; i++) h = (h * 31 + tenant.charCodeAt(i)) >>> 0;
    return h % this.pool.size;
  }

  /** See SeriesCache.forgetOrder; runs in the tenant's worker, after what it was already sent. */
  forgetOrder(tenant: string): void {
    this.pool.notify(this.workerOf(tenant), { forgetOrder: tenant });
  }

  decode(req: DecodeRequest): Promise<DecodeResult> {
    const body = ownCopy(req.body);
    return this.pool.request(this.workerOf(req.tenant), { req: { ...req, body } }, [body.buffer]) as Promise<DecodeResult>;
  }

  encodeCapture(req: CaptureRequest): Promise<EncodedCapture> {
    const body = ownCopy(req.body);
    return this.pool.request(this.pool.leastBusy(), { capture: { ...req, body } }, [body.buffer]) as Promise<EncodedCapture>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A body in an ArrayBuffer of its own, to hand over: request buffers may share pooled memory. */
function ownCopy(body: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(body.byteLength);
  out.set(body);
  return out;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function reviveCapture(r: EncodedCapture): EncodedCapture {
  return { ...r, payloads: r.payloads.map((p) => ({ ...p, data: asBuffer(p.data) })) };
}

/** Structured clone turns Buffers into Uint8Arrays; make them Buffers again. */
function revive(r: DecodeResult): DecodeResult {
  const b = r.block;
  return { ...r, block: { ...b, series: asBuffer(b.series), samples: asBuffer(b.samples), metadata: asBuffer(b.metadata) } };
}
