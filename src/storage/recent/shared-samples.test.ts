import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BlockBuilder, makeSeriesRef } from '../block.js';
import { STALE_FLAG } from '../interface.js';
import { fingerprintHalves, RecentSamples } from './recent-samples.js';
import { SampleScratch } from './series-chunks.js';
import { ownBuffers, SharedReader, SharedWriter } from './shared-samples.js';

const T0 = 1_700_000_000_000;

describe('SharedSamples', () => {
  it('read back in another thread’s way exactly what the copy reads (chunks, tails, ranges, markers, doubles)', async () => {
    const refs = Array.from({ length: 40 }, (_, i) => makeSeriesRef('default', 'm', [['i', String(i)]]));
    const recent = new RecentSamples(64 << 20);
    recent.coverFrom(-Infinity);
    for (let step = 0; step < 450; step++) {
      const b = new BlockBuilder();
      for (const [i, ref] of refs.entries()) {
        if (i % 9 === 4 && step > 300) continue;
        const t = T0 + step * 15_000 + (i % 5 === 0 ? (step * 7919) % 700 : 0);
        if (i % 7 === 3 && step % 60 === 59) b.sample(ref, t, Number.NaN, STALE_FLAG);
        else b.sample(ref, t, i % 4 === 1 ? Math.sin(step + i) : i % 4 === 2 ? step * (i + 1) : Math.round(100 * Math.cos(step)) / 100, 0);
      }
      recent.append([b.finish().samples], `t-${step}`);
    }
    const ranges: [number, number][] = [[-Infinity, Infinity], [T0 + 1_000_000, T0 + 3_000_000], [T0 + 440 * 15_000, Infinity], [T0 + 6_000_000, T0 + 6_100_000], [T0 + 500 * 15_000, Infinity]];
    for (const [start, end] of ranges) {
      for (const expected of [0, 40]) {
        const w = new SharedWriter(start, end, expected);
        for (const ref of refs) recent.share('default', ...fingerprintHalves(ref.fingerprint), w);
        const samples = w.finish();
        // Sent the way a worker gets it: arrays moved, slabs shared.
        const moved = await new Promise<typeof samples>((resolve) => {
          const { port1, port2 } = new MessageChannel();
          port2.once('message', (data: typeof samples) => { resolve(data); port1.close(); port2.close(); });
          port1.postMessage(samples, ownBuffers(samples));
        });
        const reader = new SharedReader(moved);
        const scratch = new SampleScratch();
        for (const [i, ref] of refs.entries()) {
          const want = recent.read('default', ...fingerprintHalves(ref.fingerprint), { start, end });
          const got = reader.read(i, scratch);
          const plain = (s: typeof got) => s && { t: [...s.timestamps], v: [...s.values].map((x) => (Number.isNaN(x) ? 'NaN' : x)), f: [...s.flags] };
          expect(plain(got), `series ${i} in [${start}, ${end}]`).toEqual(plain(want));
        }
      }
    }
  });
});
