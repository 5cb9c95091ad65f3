import { describe, expect, it } from 'vitest';
import { encodeV1, snappy } from '../../test/remote-write-proto.js';
import { ApiError } from '../api/errors.js';
import { readBlock } from '../storage/block-read.js';
import { Decoder, type DecodeRequest } from './decode.js';
import { SeriesCache } from './series-cache.js';

const limits = { maxLabelNameLength: 100, maxLabelValueLength: 100, maxLabelsPerSeries: 10 };
const decoder = new Decoder(new SeriesCache(), limits, 1 << 20);
const req = (over: Partial<DecodeRequest>): DecodeRequest => ({
  kind: 'text', tenant: 'default', body: Buffer.alloc(0), contentType: undefined, contentEncoding: undefined, extraLabels: [], nowMs: 1_795_000_000_000, ...over,
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
  return 'none';
}

describe('Decoder (the main-thread path, ingest.decode_workers: 0)', () => {
  it('decodes remote_write and reports its version and counts', async () => {
    const body = snappy(encodeV1([{ labels: { __name__: 'up', job: 'a' }, samples: [{ value: 1, timestamp: 5 }] }]));
    const r = await decoder.decode(req({ kind: 'remote_write', body, contentEncoding: 'snappy' }));
    expect(r.version).toBe(1);
    expect(r.counts).toEqual({ series: 1, samples: 1, histograms: 0, exemplars: 0 });
    expect(readBlock(r.block).samples.map((s) => [s.metricName, s.ts, s.value])).toEqual([['up', 5, 1]]);
  });

  it('adds extra labels to text imports and stamps samples without a time', async () => {
    const r = await decoder.decode(req({ body: Buffer.from('t{job="x"} 2\nbad line here\n'), extraLabels: [['job', 'forced'], ['env', 'ci']] }));
    expect(r.lineErrors).toHaveLength(1);
    const rows = readBlock(r.block);
    expect(rows.series[0]!.labels).toEqual({ env: 'ci', job: 'forced' });
    expect(rows.samples[0]!.ts).toBe(1_795_000_000_000);
  });

  it('decodes JSON lines', async () => {
    const r = await decoder.decode(req({ kind: 'json', body: Buffer.from('{"metric":{"__name__":"j"},"values":[3],"timestamps":[7]}\n') }));
    expect(readBlock(r.block).samples.map((s) => [s.metricName, s.value])).toEqual([['j', 3]]);
  });

  it('maps bad input to catalogue codes', async () => {
    expect(await code(decoder.decode(req({ kind: 'remote_write', body: snappy(Buffer.from([0x0a, 0x05, 0x12])) })))).toBe('BAD_PROTOBUF');
    expect(await code(decoder.decode(req({ kind: 'remote_write', body: Buffer.from('x'), contentEncoding: 'gzip' })))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await code(decoder.decode(req({ kind: 'remote_write', body: snappy(Buffer.alloc(10)), contentType: 'application/json' })))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await code(decoder.decode(req({ kind: 'remote_write', body: snappy(Buffer.alloc(2 << 20)) })))).toBe('BODY_TOO_LARGE');
    expect(await code(decoder.decode(req({ body: Buffer.from('not gzip'), contentEncoding: 'gzip' })))).toBe('BAD_ENCODING');
  });
});
