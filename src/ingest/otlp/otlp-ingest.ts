import { ApiError } from '../../api/errors.js';
import type { EncodedBlock } from '../../storage/interface.js';
import { ProtobufError } from '../remote-write/protobuf.js';
import { decodeBody } from '../body.js';
import type { AppendSession, AppendSummary } from '../append.js';
import type { IngestSink } from '../sink.js';
import { decodeMetricsJson } from './metrics-json.js';
import { decodeMetricsProto } from './metrics-proto.js';
import { writeMetrics } from './metrics-translate.js';
import { logRows, spanRows, type Converted, type EventLimits } from './convert.js';
import { decodeLogsJson, decodeTracesJson, OtlpJsonError } from './json.js';
import { decodeLogsProto, decodeTracesProto } from './proto.js';
import { transcodeLogs } from './logs-fast.js';
import type { OtlpBatch } from './model.js';
import type { SpanSample } from '../../traces/span-metrics.js';

export type OtlpSignal = 'logs' | 'traces';

/** Where OTLP metrics go: the metrics ingest path (series cache, WAL, PromQL store). */
export interface MetricsSessions {
  session(tenant: string): AppendSession;
  commit(protocol: 'otlp', session: AppendSession): Promise<AppendSummary>;
}

export interface OtlpIngestOptions {
  sink: IngestSink;
  metrics: MetricsSessions;
  limits: EventLimits;
  bodyLimitBytes: number;
  now: () => number;
  /** Called once per request with what was stored and refused. */
  record: (signal: OtlpSignal, accepted: number, rejected: number) => void;
  /** Receives the spans of each request once they are durable (the span metrics). */
  onSpans?: (tenant: string, spans: SpanSample[]) => void;
}

/** What happened to one request: items stored, items refused and why (OTLP partial success). */
export interface OtlpResult {
  accepted: number;
  rejected: number;
  message: string;
  /** The request was OTLP/JSON: the answer is JSON too. */
  json: boolean;
}

const EMPTY = Buffer.alloc(0);

/** The media type of a Content-Type header, lowercased, without parameters. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * OTLP/HTTP logs, traces and metrics: decompress (gzip), decode protobuf or JSON by Content-Type,
 * validate and convert to rows, make them durable in the WAL, then report accepted and refused
 * items. A body that cannot be decoded is refused whole (400); bad items are refused one by one.
 */
export class OtlpIngest {
  constructor(private readonly o: OtlpIngestOptions) {}

  async logs(tenant: string, raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<OtlpResult> {
    const type = mediaType(contentType);
    if (type !== 'application/x-protobuf' && type !== 'application/protobuf') {
      return this.run('logs', tenant, raw, contentType, contentEncoding, { proto: decodeLogsProto, json: decodeLogsJson }, logRows);
    }
    // The hot path: protobuf straight to rows (logs-fast.ts), the same rows as decode + convert.
    const body = await decodeBody(raw, contentEncoding, this.o.bodyLimitBytes);
    let rows: Converted;
    try {
      rows = transcodeLogs(tenant, body, this.o.limits, this.o.now());
    } catch (err) {
      if (err instanceof ProtobufError) throw new ApiError('BAD_PROTOBUF', `OTLP logs request is not valid protobuf: ${err.message}`);
      throw err;
    }
    return this.store('logs', tenant, rows, false);
  }

  traces(tenant: string, body: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<OtlpResult> {
    return this.run('traces', tenant, body, contentType, contentEncoding, { proto: decodeTracesProto, json: decodeTracesJson }, spanRows);
  }

  /** OTLP metrics into the PromQL store, named as Prometheus's OTLP receiver names them. */
  async metrics(tenant: string, raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<OtlpResult> {
    const { batch, json } = await this.decode('metrics', raw, contentType, contentEncoding, { proto: decodeMetricsProto, json: decodeMetricsJson });
    const session = this.o.metrics.session(tenant);
    const outcome = writeMetrics(session, batch, this.o.now());
    const summary = await this.o.metrics.commit('otlp', session);
    const errors = [...outcome.errors, ...summary.errors.map((e) => `${e.reason}: ${e.example}`)];
    return { accepted: summary.accepted, rejected: outcome.rejectedPoints + summary.rejected, message: errors.join('; '), json };
  }

  private async decode<T>(
    signal: OtlpSignal | 'metrics', raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined,
    decode: { proto: (b: Buffer) => OtlpBatch<T>; json: (v: unknown) => OtlpBatch<T> },
  ): Promise<{ batch: OtlpBatch<T>; json: boolean }> {
    const type = mediaType(contentType);
    const json = type === 'application/json';
    if (!json && type !== 'application/x-protobuf' && type !== 'application/protobuf') {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `OTLP/HTTP takes application/x-protobuf or application/json, not "${contentType ?? ''}"`);
    }
    const body = await decodeBody(raw, contentEncoding, this.o.bodyLimitBytes);
    try {
      return { batch: json ? decode.json(body.length === 0 ? {} : JSON.parse(body.toString('utf8'))) : decode.proto(body), json };
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof OtlpJsonError) throw new ApiError('BAD_JSON', `OTLP/JSON ${signal} request: ${err.message}`);
      if (err instanceof ProtobufError) throw new ApiError('BAD_PROTOBUF', `OTLP ${signal} request is not valid protobuf: ${err.message}`);
      throw err;
    }
  }

  private async run<T>(
    signal: OtlpSignal, tenant: string, raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined,
    decode: { proto: (b: Buffer) => OtlpBatch<T>; json: (v: unknown) => OtlpBatch<T> },
    convert: (tenant: string, batch: OtlpBatch<T>, limits: EventLimits, nowMs: number) => Converted,
  ): Promise<OtlpResult> {
    const { batch, json } = await this.decode(signal, raw, contentType, contentEncoding, decode);
    return this.store(signal, tenant, convert(tenant, batch, this.o.limits, this.o.now()), json);
  }

  private async store(signal: OtlpSignal, tenant: string, rows: Converted, json: boolean): Promise<OtlpResult> {
    const block: EncodedBlock = { series: EMPTY, seriesRows: 0, samples: EMPTY, sampleRows: 0, metadata: EMPTY, metadataRows: 0, payloads: rows.payloads };
    await this.o.sink.write(block);
    if (rows.spans && rows.spans.length > 0) this.o.onSpans?.(tenant, rows.spans);
    this.o.record(signal, rows.accepted, rows.rejected);
    const more = rows.rejected > rows.errors.length ? ` (and ${rows.rejected - rows.errors.length} more)` : '';
    return { accepted: rows.accepted, rejected: rows.rejected, message: rows.errors.length > 0 ? `${rows.errors.join('; ')}${more}` : '', json };
  }
}
