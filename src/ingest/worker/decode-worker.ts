import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../api/errors.js';
import type { IngestLimits } from '../append.js';
import { CaptureEncoder, type CaptureLimits, type CaptureRequest } from '../analytics/encode.js';
import { Decoder, type DecodeRequest } from '../decode.js';
import { SeriesCache } from '../series-cache.js';

/** Worker thread entry: decodes metrics bodies with its own series cache, and analytics capture bodies. */
interface Init {
  limits: IngestLimits;
  bodyLimitBytes: number;
  capture?: CaptureLimits;
}

type Message = { id: number; req: DecodeRequest } | { id: number; capture: CaptureRequest } | { forgetOrder: string };

const init = workerData as Init;
const decoder = new Decoder(new SeriesCache(), init.limits, init.bodyLimitBytes, true);
const capture = init.capture ? new CaptureEncoder(init.capture) : undefined;
const port = parentPort!;

/** Each distinct ArrayBuffer under `views` once (handed over, not copied). */
function buffers(views: Uint8Array[]): ArrayBuffer[] {
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

port.on('message', (msg: Message) => {
  if ('forgetOrder' in msg) {
    decoder.forgetOrder(msg.forgetOrder);
    return;
  }
  const reply = (work: Promise<object>, transfer: (result: never) => ArrayBuffer[]) => work.then(
    (result) => { port.postMessage({ id: msg.id, result }, transfer(result as never)); },
    (err: unknown) => {
      const e = err instanceof ApiError
        ? { code: err.code, message: err.message, details: err.details, headers: err.headers }
        : { code: 'INTERNAL' as const, message: (err as Error).message, details: {}, headers: {} };
      port.postMessage({ id: msg.id, error: e });
    },
  );
  if ('capture' in msg) {
    const work = capture ? capture.encode(msg.capture) : Promise.reject(new Error('capture limits were not given to the decode worker'));
    void reply(work, (r: { payloads: { data: Uint8Array }[] }) => buffers(r.payloads.map((p) => p.data)));
    return;
  }
  void reply(decoder.decode(msg.req), (r: { block: { series: Uint8Array; samples: Uint8Array; metadata: Uint8Array } }) => buffers([r.block.series, r.block.samples, r.block.metadata]));
});
