import { describe, expect, it } from 'vitest';
import { encodeV1, encodeV2, STALE_NAN } from '../../../test/remote-write-proto.js';
import { readBlock } from '../../storage/block-read.js';
import { STALE_FLAG } from '../../storage/interface.js';
import { AppendSession } from '../append.js';
import { SeriesCache } from '../series-cache.js';
import { decodeWriteRequestV1 } from './decode-v1.js';
import { decodeWriteRequestV2 } from './decode-v2.js';
import { ProtobufError } from './protobuf.js';

const limits = { maxLabelNameLength: 100, maxLabelValueLength: 100, maxLabelsPerSeries: 10 };
const T = 1_795_000_000_000;

function session(cache = new SeriesCache()) {
  return new AppendSession('default', cache, limits);
}

describe('remote_write 1.0 decoder', () => {
  it('decodes series, samples, metadata and staleness markers', () => {
    const s = session();
    const counts = decodeWriteRequestV1(encodeV1([
      { labels: { __name__: 'up', job: 'a', instance: 'x:1' }, samples: [{ value: 1, timestamp: T }, { value: STALE_NAN, timestamp: T + 15_000 }] },
      { labels: { __name__: 'temp', room: 'k' }, samples: [{ value: -2.5, timestamp: -1000 }] },
    ], [{ type: 1, metricFamilyName: 'up', help: 'Up.', unit: '' }]), s, 1);
    expect(counts).toEqual({ series: 2, samples: 3, histograms: 0, exemplars: 0 });
    const rows = readBlock(s.finish());
    expect(rows.samples.map((r) => [r.metricName, r.ts, r.flags])).toEqual([['up', T, 0], ['up', T + 15_000, STALE_FLAG], ['temp', -1000, 0]]);
    expect(Number.isNaN(rows.samples[1]!.value)).toBe(true);
    expect(rows.samples[2]!.value).toBe(-2.5);
    expect(rows.series.map((r) => r.labels)).toEqual([{ instance: 'x:1', job: 'a' }, { room: 'k' }]);
    expect(rows.metadata).toEqual([{ tenant: 'default', metricName: 'up', type: 'counter', help: 'Up.', unit: '' }]);
  });

  it('recognises a known series by its label bytes on the next request', () => {
    const cache = new SeriesCache();
    const first = session(cache);
    decodeWriteRequestV1(encodeV1([{ labels: { __name__: 'up', job: 'a' }, samples: [{ value: 1, timestamp: T }] }]), first, 1);
    expect(readBlock(first.finish()).series).toHaveLength(1);
    const second = session(cache);
    decodeWriteRequestV1(encodeV1([{ labels: { __name__: 'up', job: 'a' }, samples: [{ value: 1, timestamp: T + 1 }] }]), second, 1);
    const rows = readBlock(second.finish());
    expect(rows.series).toHaveLength(0); // same day: no second series row
    expect(rows.samples).toHaveLength(1);
    expect(cache.size).toBe(1);
  });

  it('maps series right when a request changes their order (successor guesses are verified)', () => {
    const cache = new SeriesCache();
    const series = (names: string[], ts: number) => names.map((n) => ({ labels: { __name__: 'm', s: n }, samples: [{ value: Number(n), timestamp: ts }] }));
    const rows: { fingerprint: string; value: number }[] = [];
    for (const [i, order] of [['1', '2', '3', '4'], ['1', '3', '2', '4'], ['2', '5', '3', '1', '4'], ['1', '2', '3', '4']].entries()) {
      const s = session(cache);
      decodeWriteRequestV1(encodeV1(series(order, T + i)), s, 1);
      rows.push(...readBlock(s.finish()).samples);
    }
    const byValue = new Map<number, Set<string>>();
    for (const r of rows) byValue.set(r.value, (byValue.get(r.value) ?? new Set()).add(r.fingerprint));
    expect([...byValue.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    for (const fps of byValue.values()) expect(fps.size).toBe(1); // one series per label set, always
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(5);
  });

  it('keeps recognising series after the key arena grows', () => {
    const cache = new SeriesCache();
    const many = (ts: number) => Array.from({ length: 3000 }, (_, i) => ({ labels: { __name__: 'arena_test', id: String(i).padStart(80, 'x') }, samples: [{ value: i, timestamp: ts }] }));
    const fingerprints: string[][] = [];
    for (const ts of [T, T + 1]) {
      const s = session(cache);
      decodeWriteRequestV1(encodeV1(many(ts)), s, 1);
      fingerprints.push(readBlock(s.finish()).samples.map((r) => r.fingerprint));
    }
    expect(cache.size).toBe(3000);
    expect(fingerprints[1]).toEqual(fingerprints[0]);
  });

  it('refuses invalid series and out-of-order samples, keeping the rest', () => {
    const s = session();
    decodeWriteRequestV1(encodeV1([
      { labels: { job: 'no-name' }, samples: [{ value: 1, timestamp: T }] },
      { labels: { __name__: 'bad-name' }, samples: [{ value: 1, timestamp: T }] },
      { labels: { __name__: 'ok', 'bad label': 'x' }, samples: [{ value: 1, timestamp: T }] },
      { labels: { __name__: 'ok', a: 'b' }, samples: [{ value: 1, timestamp: T }, { value: 2, timestamp: T - 1 }, { value: 3, timestamp: T }, { value: 1, timestamp: T }] },
    ]), s, 1);
    const sum = s.summary();
    expect(sum.accepted).toBe(1);
    expect(Object.fromEntries(sum.errors.map((e) => [e.reason, e.count]))).toEqual({
      missing_metric_name: 1, invalid_metric_name: 1, invalid_label_name: 1, out_of_order: 1, duplicate_timestamp: 1,
    });
  });

  it('counts native histograms and exemplars without storing them', () => {
    const s = session();
    const counts = decodeWriteRequestV1(encodeV1([{ labels: { __name__: 'h' }, samples: [], histograms: 2 }]), s, 1);
    expect(counts.histograms).toBe(2);
    expect(s.finish().sampleRows).toBe(0);
  });

  it('throws ProtobufError on garbage', () => {
    expect(() => decodeWriteRequestV1(Buffer.from([0x0a, 0xff, 0xff, 0x01]), session(), 1)).toThrow(ProtobufError);
    expect(() => decodeWriteRequestV1(Buffer.from('hello world, not protobuf'), session(), 1)).toThrow(ProtobufError);
  });
});

describe('remote_write 2.0 decoder', () => {
  it('resolves symbol references and metadata', () => {
    const s = session();
    const counts = decodeWriteRequestV2(encodeV2([
      { labels: { __name__: 'http_requests_total', code: '200' }, samples: [{ value: 7, timestamp: T }] },
      { labels: { __name__: 'http_requests_total', code: '500' }, samples: [{ value: 1, timestamp: T }] },
    ], { type: 1, help: 'Requests.', unit: '' }), s, 1);
    expect(counts.samples).toBe(2);
    const rows = readBlock(s.finish());
    expect(rows.series.map((r) => r.labels.code)).toEqual(['200', '500']);
    expect(rows.samples.map((r) => r.value)).toEqual([7, 1]);
    expect(rows.metadata[0]).toMatchObject({ metricName: 'http_requests_total', type: 'counter', help: 'Requests.' });
  });

  it('rejects bad symbol references', () => {
    const buf = encodeV2([{ labels: { __name__: 'x' }, samples: [{ value: 1, timestamp: T }] }]);
    // Rewrite: drop the symbol table entirely so every reference dangles.
    const noSymbols = Buffer.concat([Buffer.from([0x22, 0x00]), buf.subarray(buf.indexOf(0x2a))]);
    expect(() => decodeWriteRequestV2(noSymbols, session(), 1)).toThrow(/symbol reference/);
  });
});
