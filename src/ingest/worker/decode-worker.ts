import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../api/errors.js';
import type { IngestLimits } from '../append.js';
import { Decoder, type DecodeRequest } from '../decode.js';
import { SeriesCache } from '../series-cache.js';

/** Worker thread entry: decodes request bodies with its own series cache. */
interface Init {
  limits: IngestLimits;
  bodyLimitBytes: number;
}

const init = workerData as Init;
const decoder = new Decoder(new SeriesCache(), init.limits, init.bodyLimitBytes, true);
const port = parentPort!;

port.on('message', (msg: { id: number; req: DecodeRequest } | { forgetOrder: string }) => {
  if ('forgetOrder' in msg) {
    decoder.forgetOrder(msg.forgetOrder);
    return;
  }
  decoder.decode(msg.req).then(
    (result) => {
      const b = result.block;
      port.postMessage({ id: msg.id, result }, [b.series.buffer, b.samples.buffer, b.metadata.buffer].filter((x, i, all) => all.indexOf(x) === i) as ArrayBuffer[]);
    },
    (err: unknown) => {
      const e = err instanceof ApiError
        ? { code: err.code, message: err.message, details: err.details, headers: err.headers }
        : { code: 'INTERNAL' as const, message: (err as Error).message, details: {}, headers: {} };
      port.postMessage({ id: msg.id, error: e });
    },
  );
});
