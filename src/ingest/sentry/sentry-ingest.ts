import { ApiError } from '../../api/errors.js';
import type { EncodedBlock } from '../../storage/interface.js';
import { decodeBody } from '../body.js';
import { timeWindowProblem } from '../event-checker.js';
import type { IngestSink } from '../sink.js';
import { EnvelopeError, parseEnvelope, sentryKey } from './envelope.js';
import { errorEventPayload, errorEventRow, type ErrorEventRow } from './event-row.js';
import { Scrubber, type ScrubOptions } from '../../errors/scrub.js';

/** A Sentry project: its id (the DSN path) and public key (the DSN user). */
export interface SentryProject {
  id: string;
  key: string;
  name: string;
}

export interface SentryIngestOptions {
  sink: IngestSink;
  /** Known projects; empty accepts any project id and key (open mode). */
  projects: readonly SentryProject[];
  bodyLimitBytes: number;
  /** Events older than this, or further in the future, are refused. */
  maxAgeMs: number;
  maxFutureMs: number;
  now: () => number;
  record: (accepted: number, rejected: number, skipped: Record<string, number>) => void;
  /** Receives the stored events of each request (the error metrics). */
  onEvents?: (tenant: string, project: string, events: readonly ErrorEventRow[]) => void;
  /** What is removed from events before they are stored. */
  scrub?: ScrubOptions;
  /** The first matching rule sets an event's level (regex over exception type, value and message). */
  severityRules?: readonly { match: RegExp; level: string }[];
}

export interface SentryRequest {
  tenant: string;
  projectId: string;
  body: Buffer;
  query: ReadonlyMap<string, readonly string[]>;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

const EMPTY = Buffer.alloc(0);

/** What one request stored: the event id Sentry answers with, and what was skipped or refused. */
export interface SentryResult {
  id: string;
  accepted: number;
  skipped: Record<string, number>;
}

/**
 * Sentry's ingest protocol: `/api/<project>/envelope/` (items of type `event` are stored; other
 * items — transactions, spans, sessions, attachments, logs, client reports — are counted as
 * skipped) and `/api/<project>/store/` (one event). The public key comes from `sentry_key` in
 * the query or the `X-Sentry-Auth` header; bodies may be gzip or deflate.
 */
export class SentryIngest {
  private readonly scrubber: Scrubber | undefined;

  constructor(private readonly o: SentryIngestOptions) {
    this.scrubber = o.scrub ? new Scrubber(o.scrub) : undefined;
  }

  private project(req: SentryRequest): string {
    if (this.o.projects.length === 0) return req.projectId;
    const p = this.o.projects.find((x) => x.id === req.projectId);
    if (!p) throw new ApiError('NOT_FOUND', `unknown Sentry project ${req.projectId}`);
    const key = sentryKey(req.query, req.headers);
    if (!key) throw new ApiError('UNAUTHORIZED', 'missing sentry_key (DSN public key) in the query or X-Sentry-Auth header');
    if (key !== p.key) throw new ApiError('UNAUTHORIZED', `invalid sentry_key for project ${req.projectId}`);
    return p.name || p.id;
  }

  private async body(req: SentryRequest): Promise<Buffer> {
    const v = req.headers['content-encoding'];
    return decodeBody(req.body, Array.isArray(v) ? v[0] : v, this.o.bodyLimitBytes);
  }

  async envelope(req: SentryRequest): Promise<SentryResult> {
    const project = this.project(req);
    const body = await this.body(req);
    let envelope;
    try {
      envelope = parseEnvelope(body);
    } catch (err) {
      if (err instanceof EnvelopeError) throw new ApiError('BAD_JSON', `Sentry envelope: ${err.message}`);
      throw err;
    }
    const events: Record<string, unknown>[] = [];
    const skipped: Record<string, number> = {};
    for (const item of envelope.items) {
      if (item.type !== 'event') {
        skipped[item.type] = (skipped[item.type] ?? 0) + (typeof item.header.item_count === 'number' ? item.header.item_count : 1);
        continue;
      }
      try {
        const v = JSON.parse(item.payload.toString('utf8')) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('must be a JSON object');
        events.push(v as Record<string, unknown>);
      } catch (err) {
        throw new ApiError('BAD_JSON', `Sentry envelope: event item is not a JSON object: ${(err as Error).message}`);
      }
    }
    const id = typeof envelope.header.event_id === 'string' ? envelope.header.event_id : '';
    return this.store(req.tenant, project, events, skipped, id);
  }

  async storeEndpoint(req: SentryRequest): Promise<SentryResult> {
    const project = this.project(req);
    const body = await this.body(req);
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new ApiError('BAD_JSON', `Sentry event is not JSON: ${(err as Error).message}`);
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new ApiError('BAD_JSON', 'Sentry event must be a JSON object');
    return this.store(req.tenant, project, [event as Record<string, unknown>], {}, '');
  }

  private async store(tenant: string, project: string, events: Record<string, unknown>[], skipped: Record<string, number>, envelopeId: string): Promise<SentryResult> {
    const now = this.o.now();
    const rows: ErrorEventRow[] = [];
    const refused: string[] = [];
    for (const raw of events) {
      const e = this.scrubber ? (this.scrubber.scrub(raw) as Record<string, unknown>) : raw;
      const row = errorEventRow(e, now);
      const rule = this.o.severityRules?.find((r) => r.match.test(`${row.exceptionType}: ${row.exceptionValue}\n${row.message}`));
      if (rule) row.level = rule.level;
      const late = timeWindowProblem(row.timestampMs, now, this.o);
      if (late) {
        refused.push(`event ${row.eventId}: ${late}`);
        continue;
      }
      rows.push(row);
    }
    const block: EncodedBlock = { series: EMPTY, seriesRows: 0, samples: EMPTY, sampleRows: 0, metadata: EMPTY, metadataRows: 0, payloads: errorEventPayload(tenant, project, rows) };
    await this.o.sink.write(block);
    if (rows.length > 0) this.o.onEvents?.(tenant, project, rows);
    this.o.record(rows.length, refused.length, skipped);
    if (refused.length > 0) throw new ApiError('SAMPLES_REJECTED', `${refused.length} event(s) refused, ${rows.length} stored: ${refused.slice(0, 5).join('; ')}`, { accepted: rows.length, rejected: refused.length });
    return { id: rows[0]?.eventId ?? envelopeId.replace(/-/g, ''), accepted: rows.length, skipped };
  }
}
