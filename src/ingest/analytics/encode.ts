import { randomUUID } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import { ByteWriter } from '../../storage/byte-writer.js';
import type { TablePayload } from '../../storage/row-tables.js';
import { decodeBody } from '../body.js';
import { timeWindowProblem } from '../event-checker.js';
import { Scrubber, type ScrubOptions } from '../../errors/scrub.js';
import { MessageError, posthogEvent, segmentEvent, type AnalyticsEvent } from './messages.js';

/** What capture accepts (plain data: it is handed to decode worker threads). */
export interface CaptureLimits {
  bodyLimitBytes: number;
  /** Events older than this (or further than maxFutureMs ahead) are refused. */
  maxAgeMs: number;
  maxFutureMs: number;
  /** Events whose properties take more bytes as JSON are refused. */
  maxPropertiesBytes: number;
  /** Accepted project API keys (PostHog) / write keys (Segment); empty accepts any. */
  keys?: readonly string[];
  /** What is removed from event and person properties before they are stored. */
  scrub?: ScrubOptions;
}

/** One capture request: PostHog (`/batch`, `/capture`, `/e`) or Segment (`/v1/batch`, or one message of `type`). */
export interface CaptureRequest {
  kind: 'posthog' | 'segment';
  tenant: string;
  body: Uint8Array;
  encoding?: string;
  type?: string;
  authorization?: string;
  /** The time events without a timestamp get, and the time window is checked against. */
  now: number;
}

/** A request's rows for `events` and `person_ids`, and what was refused. */
export interface EncodedCapture {
  payloads: TablePayload[];
  accepted: number;
  rejected: number;
  errors: string[];
}

/**
 * Turns a capture body into RowBinary rows: parses the JSON, checks the key, reads each
 * message, scrubs and checks it. Bad messages are refused one by one with their reason; a body
 * that is not JSON, or a wrong key, is refused whole. Runs in a decode worker thread, or on the
 * main thread when there are none.
 */
export class CaptureEncoder {
  private readonly scrubber: Scrubber | undefined;

  constructor(private readonly o: CaptureLimits) {
    this.scrubber = o.scrub ? new Scrubber(o.scrub) : undefined;
  }

  async encode(req: CaptureRequest): Promise<EncodedCapture> {
    const raw = await decodeBody(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength), req.encoding, this.o.bodyLimitBytes);
    let v: { batch?: unknown; api_key?: unknown; writeKey?: unknown };
    try {
      v = JSON.parse(raw.toString('utf8')) as typeof v;
    } catch (err) {
      throw new ApiError('BAD_JSON', `analytics body is not JSON: ${(err as Error).message}`);
    }
    if (req.kind === 'posthog') {
      const bearer = /^Bearer\s+(.+)$/i.exec(req.authorization ?? '')?.[1];
      this.checkKey(typeof v.api_key === 'string' ? v.api_key : bearer);
      const list: unknown[] = Array.isArray(v) ? v : Array.isArray(v.batch) ? v.batch : [v];
      return this.rows(req, list.map((m, i) => () => posthogEvent(m, `event ${i}`)));
    }
    const basic = /^Basic\s+(.+)$/i.exec(req.authorization ?? '')?.[1];
    this.checkKey(typeof v.writeKey === 'string' ? v.writeKey : basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined);
    const list: unknown[] = req.type ? [v] : Array.isArray(v.batch) ? v.batch : [];
    return this.rows(req, list.map((m, i) => () => segmentEvent(m, `message ${i}`, req.type)));
  }

  private checkKey(key: string | undefined): void {
    const keys = this.o.keys ?? [];
    if (keys.length === 0) return;
    if (!key) throw new ApiError('UNAUTHORIZED', 'missing API key (PostHog api_key, Segment writeKey)');
    if (!keys.includes(key)) throw new ApiError('UNAUTHORIZED', 'unknown API key');
  }

  private rows({ tenant, now }: CaptureRequest, readers: (() => AnalyticsEvent | null)[]): EncodedCapture {
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
    return { payloads, accepted, rejected, errors };
  }
}
