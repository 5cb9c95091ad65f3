import { ApiError } from '../api/errors.js';
import type { EncodedBlock } from '../storage/interface.js';
import { AppendSession, type AppendSummary, type IngestLimits } from './append.js';
import { decodeBody } from './body.js';
import { parseJsonImport } from './json/parse.js';
import { decodeWriteRequestV1, type DecodeCounts } from './remote-write/decode-v1.js';
import { decodeWriteRequestV2 } from './remote-write/decode-v2.js';
import { ProtobufError } from './remote-write/protobuf.js';
import type { SeriesCache } from './series-cache.js';
import { parseExposition } from './text/parse.js';

/** One request body to decode. Plain data: it crosses to a worker thread. */
export interface DecodeRequest {
  kind: 'remote_write' | 'text' | 'json';
  tenant: string;
  body: Uint8Array;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Labels added to every series (text import `extra_label`). */
  extraLabels: [string, string][];
  nowMs: number;
}

/** The rows of a decoded request and what was refused. Plain data. */
export interface DecodeResult {
  block: EncodedBlock;
  summary: AppendSummary;
  /** remote_write: protocol version and what the request carried. */
  version?: 1 | 2;
  counts?: DecodeCounts;
  /** text/json: lines that could not be parsed. */
  lineErrors: string[];
}

/** Decodes request bodies against one series cache; runs in a worker or on the main thread. */
export class Decoder {
  /** `onWorkerThread`: decompress synchronously (the thread is ours). */
  constructor(private readonly cache: SeriesCache, private readonly limits: IngestLimits, private readonly bodyLimitBytes: number, private readonly onWorkerThread = false) {}

  /** See SeriesCache.forgetOrder. */
  forgetOrder(tenant: string): void {
    this.cache.forgetOrder(tenant);
  }

  async decode(req: DecodeRequest): Promise<DecodeResult> {
    const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    if (req.kind === 'remote_write') return this.remoteWrite(req, body);
    const text = (await decodeBody(body, req.contentEncoding, this.bodyLimitBytes)).toString('utf8');
    const session = new AppendSession(req.tenant, this.cache, this.limits, Math.ceil(text.length / 32) + 64);
    const lineErrors = req.kind === 'text' ? this.text(req, text, session) : parseJsonImport(text, session);
    return { block: session.finish(), summary: session.summary(), lineErrors };
  }

  private async remoteWrite(req: DecodeRequest, body: Buffer): Promise<DecodeResult> {
    const version = remoteWriteVersion(req.contentType);
    if (req.contentEncoding && req.contentEncoding.toLowerCase() !== 'snappy') {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `remote_write bodies must be snappy-compressed, not "${req.contentEncoding}"`);
    }
    const raw = await decodeBody(body, 'snappy', this.bodyLimitBytes, this.onWorkerThread);
    // A sample takes 20 protobuf bytes at least, more with its series' labels; the buffers grow if needed.
    const session = new AppendSession(req.tenant, this.cache, this.limits, Math.ceil(raw.length / 32) + 64);
    const nowSec = Math.floor(req.nowMs / 1000);
    let counts: DecodeCounts;
    try {
      counts = version === 1 ? decodeWriteRequestV1(raw, session, nowSec) : decodeWriteRequestV2(raw, session, nowSec);
    } catch (err) {
      if (err instanceof ProtobufError) throw new ApiError('BAD_PROTOBUF', `invalid remote_write ${version === 1 ? 'prometheus.WriteRequest' : 'io.prometheus.write.v2.Request'}: ${err.message}`);
      throw err;
    }
    if (counts.histograms > 0) session.reject('native_histogram_unsupported', counts.histograms, 'native histogram samples are not stored yet');
    return { block: session.finish(), summary: session.summary(), version, counts, lineErrors: [] };
  }

  private text(req: DecodeRequest, text: string, session: AppendSession): string[] {
    const openMetrics = (req.contentType ?? '').toLowerCase().startsWith('application/openmetrics-text');
    const lineErrors: string[] = [];
    const extra = req.extraLabels;
    const extraKey = extra.map(([n, v]) => `${n}=${v}`).join(',');
    parseExposition(text, { openMetrics }, {
      sample: (series, labels, value, tsMs) => {
        const state = session.series(extraKey ? `${extraKey}|${series}` : series, () => mergeLabels(labels(), extra), 1);
        if (state) session.sample(state, tsMs ?? req.nowMs, value, false);
      },
      metadata: (family, type, help, unit) => { session.metadata(family, type, help, unit, Math.floor(req.nowMs / 1000)); },
      error: (line, message) => {
        lineErrors.push(`line ${line}: ${message}`);
        session.reject('invalid_line', 1, `line ${line}: ${message}`);
      },
    });
    return lineErrors;
  }
}

/** Adds extra labels; an extra label replaces a scraped one of the same name. */
function mergeLabels(labels: [string, string][], extra: [string, string][]): [string, string][] {
  if (extra.length === 0) return labels;
  const names = new Set(extra.map(([n]) => n));
  return [...labels.filter(([n]) => !names.has(n)), ...extra];
}

/** Picks the remote_write version from Content-Type; 415 for a proto we do not speak. */
export function remoteWriteVersion(contentType: string | undefined): 1 | 2 {
  if (!contentType) return 1;
  const [media = '', ...params] = contentType.split(';').map((s) => s.trim());
  if (media.toLowerCase() !== 'application/x-protobuf') {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `remote_write needs Content-Type application/x-protobuf, got "${contentType}"`);
  }
  const proto = params.find((p) => p.toLowerCase().startsWith('proto='))?.slice(6).replace(/^"|"$/g, '');
  if (proto === undefined || proto === 'prometheus.WriteRequest') return 1;
  if (proto === 'io.prometheus.write.v2.Request') return 2;
  throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `unsupported remote_write message "${proto}" (supported: prometheus.WriteRequest, io.prometheus.write.v2.Request)`);
}
