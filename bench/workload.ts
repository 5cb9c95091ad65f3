import { compressSync } from 'snappy';

/**
 * A Prometheus-like remote_write workload, generated deterministically so every target gets the
 * same bytes: `series` series (40% counters, 30% gauges, 30% histogram buckets across a few
 * histograms) × `steps` samples at `stepMs`, sent as requests of `perRequest` samples (one
 * sample per series per request, as Prometheus's queue sends them), encoded by hand.
 */
export interface WorkloadOptions {
  series: number;
  steps: number;
  stepMs: number;
  perRequest: number;
  startMs: number;
}

interface SeriesDef {
  labelBytes: Buffer;
  kind: 'counter' | 'gauge' | 'bucket';
  value: number;
  /** Each series has its own generator, so values never depend on send interleaving. */
  next: () => number;
}

/** Mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(tag: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, ...varint(payload.length)]), payload]);
}

function labelBytes(labels: [string, string][]): Buffer {
  return Buffer.concat(labels.map(([n, v]) => field(0x0a, Buffer.concat([field(0x0a, Buffer.from(n)), field(0x12, Buffer.from(v))]))));
}

const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

function defineSeries(count: number): SeriesDef[] {
  const out: SeriesDef[] = [];
  const counters = Math.floor(count * 0.4);
  const gauges = Math.floor(count * 0.3);
  for (let i = 0; out.length < count; i++) {
    const instance = `10.0.${(i >> 8) & 255}.${i & 255}:9100`;
    const job = `job-${i % 10}`;
    if (out.length < counters) {
      out.push({ kind: 'counter', value: 0, next: rng(i + 1), labelBytes: labelBytes([['__name__', 'http_requests_total'], ['code', String(200 + (i % 5))], ['instance', instance], ['job', job], ['method', i % 2 ? 'GET' : 'POST']]) });
    } else if (out.length < counters + gauges) {
      out.push({ kind: 'gauge', value: 50, next: rng(i + 1), labelBytes: labelBytes([['__name__', 'node_memory_usage_ratio'], ['instance', instance], ['job', job]]) });
    } else {
      out.push({ kind: 'bucket', value: 0, next: rng(i + 1), labelBytes: labelBytes([['__name__', 'http_request_duration_seconds_bucket'], ['instance', instance], ['job', job], ['le', LE[i % LE.length]!]]) });
    }
  }
  return out;
}

/** Yields snappy-compressed remote_write 1.0 bodies in send order for one sender. */
export class Workload {
  readonly series: SeriesDef[];
  readonly totalSamples: number;

  constructor(readonly o: WorkloadOptions) {
    this.series = defineSeries(o.series);
    this.totalSamples = o.series * o.steps;
  }

  /** Requests per step (chunks of the series list). */
  get chunks(): number {
    return Math.ceil(this.o.series / this.o.perRequest);
  }

  /** The request body for (step, chunk). Steps must be asked for in order per chunk. */
  body(step: number, chunk: number): Buffer {
    const ts = this.o.startMs + step * this.o.stepMs;
    const tsBytes = varint(ts);
    const parts: Buffer[] = [];
    const from = chunk * this.o.perRequest;
    const to = Math.min(this.series.length, from + this.o.perRequest);
    for (let i = from; i < to; i++) {
      const s = this.series[i]!;
      const r = s.next();
      if (s.kind === 'counter') s.value += Math.floor(r * 10);
      else if (s.kind === 'bucket') s.value += Math.floor(r * 3);
      else s.value = Math.round((s.value + (r - 0.5) * 2) * 100) / 100;
      const sample = Buffer.alloc(2 + 9 + 1 + tsBytes.length);
      sample[0] = 0x12;
      sample[1] = 9 + 1 + tsBytes.length;
      sample[2] = 0x09;
      sample.writeDoubleLE(s.value, 3);
      sample[11] = 0x10;
      Buffer.from(tsBytes).copy(sample, 12);
      const ts1 = Buffer.concat([s.labelBytes, sample]);
      parts.push(Buffer.from([0x0a, ...varint(ts1.length)]), ts1);
    }
    return compressSync(Buffer.concat(parts));
  }
}
