import { ApiError } from '../api/errors.js';
import { AppendSession, type AppendSummary, type IngestLimits } from './append.js';
import { decodeBody } from './body.js';
import { parseJsonImport } from './json/parse.js';
import { decodeWriteRequestV1, type DecodeCounts } from './remote-write/decode-v1.js';
import { decodeWriteRequestV2 } from './remote-write/decode-v2.js';
import { ProtobufError } from './remote-write/protobuf.js';
import type { SeriesCache } from './series-cache.js';
import type { IngestSink } from './sink.js';
import { parseExposition } from './text/parse.js';

export type Protocol = 'remote_write' | 'text' | 'json' | 'scrape';

export interface MetricsIngestOptions {
  sink: IngestSink;
  cache: SeriesCache;
  limits: IngestLimits;
  bodyLimitBytes: number;
  now: () => number;
  /** Called once per request with what was stored and refused. */
  record: (protocol: Protocol, summary: AppendSummary) => void;
}

export interface RemoteWriteResult {
  version: 1 | 2;
  counts: DecodeCounts;
  summary: AppendSummary;
}

/**
 * Decodes metrics in every supported format into append sessions and makes them durable. Each
 * method resolves only after the accepted rows are in the WAL, and throws SAMPLES_REJECTED (after
 * storing the rest) when some samples were refused.
 */
export class MetricsIngest {
  constructor(private readonly opts: MetricsIngestOptions) {}

  /** A session for callers that produce samples themselves (the scraper). */
  session(tenant: string, sizeHint?: number): AppendSession {
    return new AppendSession(tenant, this.opts.cache, this.opts.limits, sizeHint);
  }

  /** Stores a session's block; returns its summary. */
  async commit(protocol: Protocol, session: AppendSession): Promise<AppendSummary> {
    await this.opts.sink.write(session.finish());
    const summary = session.summary();
    this.opts.record(protocol, summary);
    return summary;
  }

  async remoteWrite(tenant: string, body: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<RemoteWriteResult> {
    const version = remoteWriteVersion(contentType);
    if (contentEncoding && contentEncoding.toLowerCase() !== 'snappy') {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `remote_write bodies must be snappy-compressed, not "${contentEncoding}"`);
    }
    const raw = await decodeBody(body, 'snappy', this.opts.bodyLimitBytes);
    const session = this.session(tenant, raw.length);
    const nowSec = Math.floor(this.opts.now() / 1000);
    let counts: DecodeCounts;
    try {
      counts = version === 1 ? decodeWriteRequestV1(raw, session, nowSec) : decodeWriteRequestV2(raw, session, nowSec);
    } catch (err) {
      if (err instanceof ProtobufError) throw new ApiError('BAD_PROTOBUF', `invalid remote_write ${version === 1 ? 'prometheus.WriteRequest' : 'io.prometheus.write.v2.Request'}: ${err.message}`);
      throw err;
    }
    if (counts.histograms > 0) session.reject('native_histogram_unsupported', counts.histograms, 'native histogram samples are not stored yet');
    const summary = await this.commit('remote_write', session);
    return { version, counts, summary };
  }

  async importText(tenant: string, body: Buffer, contentType: string | undefined, contentEncoding: string | undefined, extraLabels: [string, string][]): Promise<AppendSummary> {
    const text = (await decodeBody(body, contentEncoding, this.opts.bodyLimitBytes)).toString('utf8');
    const openMetrics = (contentType ?? '').toLowerCase().startsWith('application/openmetrics-text');
    const session = this.session(tenant);
    const now = this.opts.now();
    const lineErrors: string[] = [];
    const extraKey = extraLabels.map(([n, v]) => `${n}=${v}`).join(',');
    parseExposition(text, { openMetrics }, {
      sample: (series, labels, value, tsMs) => {
        const state = session.series(extraKey ? `${extraKey}|${series}` : series, () => mergeLabels(labels(), extraLabels), 1);
        if (state) session.sample(state, tsMs ?? now, value, false);
      },
      metadata: (family, type, help, unit) => { session.metadata(family, type, help, unit, Math.floor(now / 1000)); },
      error: (line, message) => {
        lineErrors.push(`line ${line}: ${message}`);
        session.reject('invalid_line', 1, `line ${line}: ${message}`);
      },
    });
    const summary = await this.commit('text', session);
    if (lineErrors.length > 0) {
      throw new ApiError('BAD_TEXT', `cannot parse ${lineErrors.length} line(s): ${lineErrors.slice(0, 10).join('; ')}`, { accepted: summary.accepted, rejected: summary.rejected, lineErrors: lineErrors.slice(0, 100) });
    }
    if (summary.rejected > 0) throw rejectionError(summary);
    return summary;
  }

  async importJson(tenant: string, body: Buffer, contentEncoding: string | undefined): Promise<AppendSummary> {
    const text = (await decodeBody(body, contentEncoding, this.opts.bodyLimitBytes)).toString('utf8');
    const session = this.session(tenant);
    const lineErrors = parseJsonImport(text, session);
    const summary = await this.commit('json', session);
    if (lineErrors.length > 0) {
      throw new ApiError('BAD_JSON', `cannot parse ${lineErrors.length} line(s): ${lineErrors.slice(0, 10).join('; ')}`, { accepted: summary.accepted, rejected: summary.rejected, lineErrors: lineErrors.slice(0, 100) });
    }
    if (summary.rejected > 0) throw rejectionError(summary);
    return summary;
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

/** Turns a summary with refusals into the SAMPLES_REJECTED error. */
export function rejectionError(summary: AppendSummary): ApiError {
  const first = summary.errors.map((e) => `${e.reason}: ${e.example}`).slice(0, 5).join('; ');
  return new ApiError('SAMPLES_REJECTED', `${summary.rejected} sample(s) refused, ${summary.accepted} stored: ${first}`, {
    accepted: summary.accepted,
    rejected: summary.rejected,
    reasons: Object.fromEntries(summary.errors.map((e) => [e.reason, e.count])),
  });
}
