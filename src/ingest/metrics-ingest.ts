import { ApiError } from '../api/errors.js';
import { AppendSession, type AppendSummary, type IngestLimits } from './append.js';
import type { DecodeRequest, DecodeResult } from './decode.js';
import type { DecodeCounts } from './remote-write/decode-v1.js';
import type { SeriesCache } from './series-cache.js';
import type { IngestSink } from './sink.js';

export type Protocol = 'remote_write' | 'text' | 'json' | 'scrape' | 'rules' | 'otlp' | 'span_metrics' | 'error_metrics' | 'kpi';

/** Decodes a body (in a worker pool or in process); throws ApiError for bad input. */
export type DecodeFn = (req: DecodeRequest) => Promise<DecodeResult>;

/** Where decoding happens: decode, and forget a tenant's ordering state (see SeriesCache.forgetOrder). */
export interface Decoding {
  decode: DecodeFn;
  forgetOrder: (tenant: string) => void;
}

export interface MetricsIngestOptions {
  sink: IngestSink;
  decoding: Decoding;
  /** The main thread's cache, for sessions built here (the scraper). */
  cache: SeriesCache;
  limits: IngestLimits;
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
 * Turns request bodies into durable rows: decode (off the main thread), append to the WAL,
 * account. Each method resolves only after the accepted rows are in the WAL; text and JSON
 * imports throw BAD_TEXT / BAD_JSON / SAMPLES_REJECTED (after storing the rest) when something
 * was refused, remote_write reports refusals in its result.
 */
export class MetricsIngest {
  constructor(private readonly opts: MetricsIngestOptions) {}

  /** A session for callers that produce samples themselves (the scraper). */
  session(tenant: string): AppendSession {
    return new AppendSession(tenant, this.opts.cache, this.opts.limits);
  }

  /** Stores a session's block; returns its summary. */
  async commit(protocol: Protocol, session: AppendSession): Promise<AppendSummary> {
    try {
      await this.opts.sink.write(session.finish());
    } catch (err) {
      this.opts.cache.forgetOrder(session.tenant);
      throw err;
    }
    const summary = session.summary();
    this.opts.record(protocol, summary);
    return summary;
  }

  private async run(protocol: Protocol, req: Omit<DecodeRequest, 'nowMs'>): Promise<DecodeResult> {
    const result = await this.opts.decoding.decode({ ...req, nowMs: this.opts.now() });
    try {
      await this.opts.sink.write(result.block);
    } catch (err) {
      // Not durable, so not acknowledged: the retry must find these timestamps new again.
      this.opts.decoding.forgetOrder(req.tenant);
      throw err;
    }
    this.opts.record(protocol, result.summary);
    return result;
  }

  async remoteWrite(tenant: string, body: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<RemoteWriteResult> {
    const r = await this.run('remote_write', { kind: 'remote_write', tenant, body, contentType, contentEncoding, extraLabels: [] });
    return { version: r.version ?? 1, counts: r.counts ?? { series: 0, samples: 0, histograms: 0, exemplars: 0 }, summary: r.summary };
  }

  async importText(tenant: string, body: Buffer, contentType: string | undefined, contentEncoding: string | undefined, extraLabels: [string, string][]): Promise<AppendSummary> {
    const r = await this.run('text', { kind: 'text', tenant, body, contentType, contentEncoding, extraLabels });
    return checked('BAD_TEXT', r);
  }

  async importJson(tenant: string, body: Buffer, contentEncoding: string | undefined): Promise<AppendSummary> {
    const r = await this.run('json', { kind: 'json', tenant, body, contentType: 'application/json', contentEncoding, extraLabels: [] });
    return checked('BAD_JSON', r);
  }
}

function checked(code: 'BAD_TEXT' | 'BAD_JSON', r: DecodeResult): AppendSummary {
  const { summary, lineErrors } = r;
  if (lineErrors.length > 0) {
    throw new ApiError(code, `cannot parse ${lineErrors.length} line(s): ${lineErrors.slice(0, 10).join('; ')}`, { accepted: summary.accepted, rejected: summary.rejected, lineErrors: lineErrors.slice(0, 100) });
  }
  if (summary.rejected > 0) throw rejectionError(summary);
  return summary;
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
