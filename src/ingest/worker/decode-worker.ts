import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../api/errors.js';
import type { IngestLimits } from '../append.js';
import { CaptureEncoder, type CaptureLimits, type CaptureRequest, type EncodedCapture } from '../analytics/encode.js';
import { Decoder, type DecodeRequest, type DecodeResult } from '../decode.js';
import { SeriesCache } from '../series-cache.js';

/** Worker thread entry: decodes metrics bodies with its own series cache, and analytics capture bodies. */
interface Init {
  limits: IngestLimits;
  bodyLimitBytes: number;
  capture: CaptureLimits;
}

type Message = { id: number; req: DecodeRequest } | { id: number; capture: CaptureRequest } | { forgetOrder: string };

const init = workerData as Init;
const decoder = new Decoder(new SeriesCache(), init.limits, init.bodyLimitBytes, true);
const capture = new CaptureEncoder(init.capture);
const port = parentPort!;

/** The result's buffers, each once: handed over, not copied. */
function transferList(result: DecodeResult | EncodedCapture): ArrayBuffer[] {
  const views = 'payloads' in result ? result.payloads.map((p) => p.data) : [result.block.series, result.block.samples, result.block.metadata];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

port.on('message', (msg: Message) => {
  if ('forgetOrder' in msg) {
    decoder.forgetOrder(msg.forgetOrder);
    return;
  }
  const work: Promise<DecodeResult | EncodedCapture> = 'capture' in msg ? capture.encode(msg.capture) : decoder.decode(msg.req);
  work.then(
    (result) => { port.postMessage({ id: msg.id, result }, transferList(result)); },
    (err: unknown) => {
      const e = err instanceof ApiError
        ? { code: err.code, message: err.message, details: err.details, headers: err.headers }
        : { code: 'INTERNAL' as const, message: (err as Error).message, details: {}, headers: {} };
      port.postMessage({ id: msg.id, error: e });
    },
  );
});
