import { describe, expect, it } from 'vitest';
import { encodeV1, snappy } from '../../test/remote-write-proto.js';
import { readBlock } from '../storage/block-read.js';
import type { EncodedBlock } from '../storage/interface.js';
import { Decoder } from './decode.js';
import { MetricsIngest } from './metrics-ingest.js';
import { SeriesCache } from './series-cache.js';
import { IngestSink } from './sink.js';

const limits = { maxLabelNameLength: 100, maxLabelValueLength: 100, maxLabelsPerSeries: 10 };

describe('MetricsIngest', () => {
  it('lets a sender retry rows the WAL could not take (no false "duplicate")', async () => {
    const stored: EncodedBlock[] = [];
    let failNext = true;
    const log = {
      pendingBytes: 0,
      append: (b: EncodedBlock) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('ENOSPC'));
        }
        stored.push(b);
        return Promise.resolve();
      },
    };
    const cache = new SeriesCache();
    const ingest = new MetricsIngest({
      sink: new IngestSink({ log, maxPendingBytes: 1 << 20, storageFailing: () => false }),
      decoding: new Decoder(cache, limits, 1 << 20),
      cache,
      limits,
      now: () => 0,
      record: () => undefined,
    });
    const body = snappy(encodeV1([{ labels: { __name__: 'm' }, samples: [{ value: 1, timestamp: 10 }] }]));
    await expect(ingest.remoteWrite('default', body, undefined, 'snappy')).rejects.toThrow('ENOSPC');
    const retry = await ingest.remoteWrite('default', body, undefined, 'snappy');
    expect(retry.summary).toMatchObject({ accepted: 1, rejected: 0 });
    expect(stored.flatMap((b) => readBlock(b).samples.map((s) => s.ts))).toEqual([10]);
  });
});
