import { randomUUID } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import { ByteWriter } from '../../storage/byte-writer.js';
import type { EncodedBlock } from '../../storage/interface.js';
import type { TablePayload } from '../../storage/row-tables.js';
import { decodeBody } from '../body.js';
import { timeWindowProblem } from '../event-checker.js';
import type { IngestSink } from '../sink.js';
import { Scrubber, type ScrubOptions } from '../../errors/scrub.js';
import { MessageError, posthogEvent, segmentEvent, type AnalyticsEvent } from './messages.js';

export interface CaptureOptions {
  sink: IngestSink;
  bodyLimitBytes: number;
  /** Events older than this (or further than maxFutureMs ahead) are refused. */
  maxAgeMs: number;
  maxFutureMs: number;
  /** Events whose properties take more bytes as JSON are refused. */
  maxPropertiesBytes: number;
  now: () => number;
  record: (accepted: number, rejected: number) => void;
  /** Accepted project API keys (PostHog) / write keys (Segment); empty accepts any. */
  keys?: readonly string[];
  /** What is removed from event and person properties before they are stored. */
  scrub?: ScrubOptions;
}

export interface CaptureResult {
  accepted: number;
  rejected: number;
  errors: string[];
}

const EMPTY = Buffer.alloc(0);

/**
 * The capture side of product analytics: PostHog's `/batch`, `/capture`, `/e` and Segment's
 * `/v1/batch`, `/v1/track`, `/v1/identify`, `/v1/page`, `/v1/screen` (gzip or plain JSON), stored
 * in `events`; identify also records who is who in `person_ids`. Bad messages are refused one
 * by one with their reason; a body that is not JSON is refused whole.
 */
export class CaptureIngest {
  private readonly scrubber: Scrubber | undefined;

  constructor(private readonly o: CaptureOptions) {
    this.scrubber = o.scrub ? new Scrubber(o.scrub) : undefined;
  }

  private async json(body: Buffer, encoding: string | undefined): Promise<unknown> {
    const raw = await decodeBody(body, encoding, this.o.bodyLimitBytes);
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new ApiError('BAD_JSON', `analytics body is not JSON: ${(err as Error).message}`);
    }
  }

  private checkKey(key: string | undefined): void {
    const keys = this.o.keys ?? [];
    if (keys.length === 0) return;
    if (!key) throw new ApiError('UNAUTHORIZED', 'missing API key (PostHog api_key, Segment writeKey)');
    if (!keys.includes(key)) throw new ApiError('UNAUTHORIZED', 'unknown API key');
  }

  /** PostHog: a `{batch: [...]}` body, or one event; the key is `api_key` in the body or a Bearer token. */
  async posthog(tenant: string, body: Buffer, encoding: string | undefined, authorization?: string): Promise<CaptureResult> {
    const v = (await this.json(body, encoding)) as { batch?: unknown; api_key?: unknown };
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
    this.checkKey(typeof v.api_key === 'string' ? v.api_key : bearer);
    const list = Array.isArray(v) ? v : Array.isArray(v.batch) ? v.batch : [v];
    return this.store(tenant, list.map((m, i) => () => posthogEvent(m, `event ${i}`)));
  }

  /** Segment: `/v1/batch` (`type` per message) or one message of `type`; the key is `writeKey` in the body or Basic auth `<key>:`. */
  async segment(tenant: string, body: Buffer, encoding: string | undefined, type?: string, authorization?: string): Promise<CaptureResult> {
    const v = (await this.json(body, encoding)) as { batch?: unknown; writeKey?: unknown };
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '')?.[1];
    this.checkKey(typeof v.writeKey === 'string' ? v.writeKey : basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined);
    const list = type ? [v] : Array.isArray(v.batch) ? v.batch : [];
    return this.store(tenant, list.map((m, i) => () => segmentEvent(m, `message ${i}`, type)));
  }

  private async store(tenant: string, readers: (() => AnalyticsEvent | null)[]): Promise<CaptureResult> {
    const now = this.o.now();
    const events = new ByteWriter(4096);
    const persons = new ByteWriter(256);
    let accepted = 0;
    let personRows = 0;
    const errors: string[] = [];
    let rejected = 0;
    for (const read of readers) {
      let e: AnalyticsEvent | null;
      try {
        e = read();
      } catch (err) {
        if (!(err instanceof MessageError)) throw err;
        rejected++;
        if (errors.length < 10) errors.push(err.message);
        continue;
      }
      if (!e) continue;
      const at = e.timestamp ?? now;
      if (this.scrubber) {
        e.properties = this.scrubber.scrub(e.properties) as Record<string, unknown>;
        e.set = this.scrubber.scrub(e.set) as Record<string, unknown>;
      }
      const properties = JSON.stringify(e.properties);
      const problem = timeWindowProblem(at, now, this.o)
        || (Buffer.byteLength(properties) > this.o.maxPropertiesBytes ? `properties take more than ${this.o.maxPropertiesBytes} bytes` : '');
      if (problem) {
        rejected++;
        if (errors.length < 10) errors.push(`${e.event} of ${e.distinctId}: ${problem}`);
        continue;
      }
      const set = JSON.stringify(e.set);
      events.string(tenant);
      events.int64(BigInt(Math.round(at)));
      for (const s of [e.event, e.distinctId, e.anonymousId, e.sessionId, e.uuid || randomUUID(), properties, set, e.source]) events.string(s);
      accepted++;
      if (e.mergeFrom || Object.keys(e.set).length > 0) {
        for (const id of e.mergeFrom ? [e.mergeFrom, e.distinctId] : [e.distinctId]) {
          for (const s of [tenant, id, e.distinctId, set]) persons.string(s);
          persons.int64(BigInt(Math.round(at)));
          personRows++;
        }
      }
    }
    const payloads: TablePayload[] = [];
    if (accepted > 0) payloads.push({ table: 'events', rows: accepted, data: events.finish() });
    if (personRows > 0) payloads.push({ table: 'person_ids', rows: personRows, data: persons.finish() });
    const block: EncodedBlock = { series: EMPTY, seriesRows: 0, samples: EMPTY, sampleRows: 0, metadata: EMPTY, metadataRows: 0, payloads };
    await this.o.sink.write(block);
    this.o.record(accepted, rejected);
    if (accepted === 0 && rejected > 0) throw new ApiError('SAMPLES_REJECTED', `${rejected} event(s) refused: ${errors.join('; ')}`, { accepted, rejected });
    return { accepted, rejected, errors };
  }
}
