import { parentPort } from 'node:worker_threads';
import type { SharedSamples } from '../../storage/recent/shared-samples.js';
import { evalPart, type PartJob } from './part.js';

/** Worker thread entry: evaluates parts of streamed aggregations (see QueryWorkers). */
const port = parentPort!;

port.on('message', (msg: { id: number; job: PartJob; samples: SharedSamples }) => {
  try {
    const r = evalPart(msg.job, msg.samples);
    port.postMessage({ id: msg.id, result: r }, [r.acc.buffer, r.count.buffer, r.produced.buffer] as ArrayBuffer[]);
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
