import { ApiError } from '../../api/errors.js';
import type { EncodedBlock } from '../../storage/interface.js';
import { LogRowWriter } from '../../storage/log-rows.js';
import { decodeBody, snappyBlock } from '../body.js';
import { Checker, ZERO_SPAN, ZERO_TRACE, type EventLimits } from '../event-checker.js';
import { ProtobufError } from '../remote-write/protobuf.js';
import type { IngestSink } from '../sink.js';
import { decodePushJson, decodePushProto, LokiPushError, type LokiStream } from './push.js';

export interface LokiIngestOptions {
  sink: IngestSink;
  limits: EventLimits;
  bodyLimitBytes: number;
  now: () => number;
  record: (accepted: number, rejected: number) => void;
}

const EMPTY = Buffer.alloc(0);

/** Stream labels Loki reads the service name from, in its order. */
const SERVICE_LABELS = ['service_name', 'service', 'app', 'application', 'name', 'app_kubernetes_io_name', 'container', 'container_name', 'component', 'workload', 'job'];
const LEVEL_KEYS = ['level', 'detected_level', 'severity', 'lvl', 'loglevel'];
const LEVELS: Record<string, [string, number]> = {
  trace: ['TRACE', 1], debug: ['DEBUG', 5], info: ['INFO', 9], information: ['INFO', 9], notice: ['INFO', 10], warn: ['WARN', 13], warning: ['WARN', 13],
  error: ['ERROR', 17], err: ['ERROR', 17], critical: ['FATAL', 21], fatal: ['FATAL', 21], crit: ['FATAL', 21], emerg: ['FATAL', 23], alert: ['FATAL', 22],
};

/**
 * Loki's push API: JSON (optionally gzip) or snappy-compressed protobuf. Stream labels become
 * the records' resource attributes (the service name from `service_name`, `app`, … as Loki picks
 * it), structured metadata their log attributes (`trace_id` / `span_id` fill the id columns),
 * the severity comes from a `level` label or metadata. Entries outside the time window are
 * refused (400 naming them, after the rest is stored), as Loki does.
 */
export class LokiIngest {
  constructor(private readonly o: LokiIngestOptions) {}

  async push(tenant: string, raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<void> {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    let streams: LokiStream[];
    try {
      if (type === 'application/x-protobuf' || type === 'application/protobuf') {
        // Loki clients send the snappy block without a Content-Encoding header.
        const enc = (contentEncoding ?? '').toLowerCase();
        const body = enc === '' || enc === 'snappy' ? await snappyBlock(raw, this.o.bodyLimitBytes) : await decodeBody(raw, contentEncoding, this.o.bodyLimitBytes);
        streams = decodePushProto(body);
      } else if (type === 'application/json' || type === '') {
        const body = await decodeBody(raw, contentEncoding, this.o.bodyLimitBytes);
        streams = decodePushJson(JSON.parse(body.toString('utf8')));
      } else {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Loki push takes application/json or application/x-protobuf, not "${contentType ?? ''}"`);
      }
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof LokiPushError) throw new ApiError('BAD_JSON', `Loki push: ${err.message}`);
      if (err instanceof ProtobufError) throw new ApiError('BAD_PROTOBUF', `Loki push body is not a valid PushRequest: ${err.message}`);
      throw err;
    }
    const c = new Checker(this.o.limits, this.o.now());
    const w = new LogRowWriter(tenant);
    for (const s of streams) {
      const labels = new Map(s.labels);
      const serviceName = SERVICE_LABELS.map((l) => labels.get(l)).find((v) => v !== undefined && v !== '') ?? '';
      c.truncated = false;
      const resourceAttributes = c.pairs(s.labels);
      const labelsCut = c.truncated;
      for (const e of s.entries) {
        const outside = c.window(e.timeNs);
        if (outside) {
          c.refuse(`entry of stream {${s.labels.map(([k, v]) => `${k}="${v}"`).join(', ')}}: ${outside}`);
          continue;
        }
        c.truncated = labelsCut;
        const meta = new Map(e.metadata);
        const level = LEVELS[(LEVEL_KEYS.map((k) => labels.get(k) ?? meta.get(k)).find((v) => v) ?? '').toLowerCase()];
        const traceId = c.id((meta.get('trace_id') ?? meta.get('traceID') ?? meta.get('traceId') ?? '').toLowerCase(), 16, ZERO_TRACE, true) || '';
        const spanId = c.id((meta.get('span_id') ?? meta.get('spanID') ?? meta.get('spanId') ?? '').toLowerCase(), 8, ZERO_SPAN, true) || '';
        w.add({
          timestampNs: e.timeNs, observedNs: c.now, traceId, spanId, traceFlags: 0, severityText: level?.[0] ?? '', severityNumber: level?.[1] ?? 0,
          serviceName, body: c.text(e.line, this.o.limits.maxBodyBytes), resourceSchemaUrl: '', resourceAttributes, scopeSchemaUrl: '', scopeName: '',
          scopeVersion: '', scopeAttributes: [], logAttributes: c.pairs(e.metadata), eventName: '', truncated: c.truncated,
        });
      }
    }
    const block: EncodedBlock = { series: EMPTY, seriesRows: 0, samples: EMPTY, sampleRows: 0, metadata: EMPTY, metadataRows: 0, payloads: w.finish() };
    await this.o.sink.write(block);
    this.o.record(w.rows, c.rejected);
    if (c.rejected > 0) {
      throw new ApiError('SAMPLES_REJECTED', `${c.rejected} entr${c.rejected === 1 ? 'y' : 'ies'} refused, ${w.rows} stored: ${c.errors.join('; ')}`, { accepted: w.rows, rejected: c.rejected });
    }
  }
}
