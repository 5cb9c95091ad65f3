import protobuf from 'protobufjs';
import { compressSync } from 'snappy';

/**
 * An independent remote_write encoder for tests and benchmarks (protobufjs reflection, not our
 * hand-written decoder). Field numbers from the remote_write 1.0 and 2.0 specs.
 */
const root = protobuf.parse(`
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message Histogram { uint64 count_int = 1; double sum = 3; int64 timestamp = 15; }
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
message RequestV2 { repeated string symbols = 4; repeated TimeSeriesV2 timeseries = 5; }
message TimeSeriesV2 { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram histograms = 3; MetadataV2 metadata = 5; }
message MetadataV2 { int32 type = 1; uint32 help_ref = 3; uint32 unit_ref = 4; }
`).root;

const WriteRequest = root.lookupType('prometheus.WriteRequest');
const RequestV2 = root.lookupType('prometheus.RequestV2');

export interface TestSeries {
  labels: Record<string, string>;
  samples: { value: number; timestamp: number }[];
  histograms?: number;
}

export function encodeV1(series: TestSeries[], metadata: { type: number; metricFamilyName: string; help: string; unit: string }[] = []): Buffer {
  const msg = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })),
      samples: s.samples,
      histograms: Array.from({ length: s.histograms ?? 0 }, () => ({ countInt: 1, sum: 1, timestamp: 1 })),
    })),
    metadata,
  });
  return Buffer.from(WriteRequest.encode(msg).finish());
}

export function encodeV2(series: TestSeries[], meta?: { type: number; help: string; unit: string }): Buffer {
  const symbols = [''];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) i = symbols.push(s) - 1;
    return i;
  };
  const timeseries = series.map((s) => ({
    labelsRefs: Object.entries(s.labels).flatMap(([n, v]) => [ref(n), ref(v)]),
    samples: s.samples,
    histograms: Array.from({ length: s.histograms ?? 0 }, () => ({ countInt: 1, sum: 1, timestamp: 1 })),
    ...(meta ? { metadata: { type: meta.type, helpRef: ref(meta.help), unitRef: ref(meta.unit) } } : {}),
  }));
  return Buffer.from(RequestV2.encode(RequestV2.fromObject({ symbols, timeseries })).finish());
}

export const snappy = (buf: Buffer): Buffer => compressSync(buf);

/** Prometheus's staleness marker as a double. */
export const STALE_NAN = Buffer.from([2, 0, 0, 0, 0, 0, 0xf0, 0x7f]).readDoubleLE(0);
