import { ApiError } from '../../api/errors.js';
import type { EncodedBlock } from '../../storage/interface.js';
import type { IngestSink } from '../sink.js';
import type { CaptureEncoder, CaptureRequest, EncodedCapture } from './encode.js';

/** Where capture bodies become rows: a CaptureEncoder, or the decode worker threads. */
export interface CaptureEncoding {
  encodeCapture(req: CaptureRequest): Promise<EncodedCapture>;
}

/** Encoding on the main thread (no decode workers). */
export function localCapture(encoder: CaptureEncoder): CaptureEncoding {
  return { encodeCapture: (req) => encoder.encode(req) };
}

export interface CaptureOptions {
  sink: IngestSink;
  encoding: CaptureEncoding;
  now: () => number;
  record: (accepted: number, rejected: number) => void;
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
 * in `events`; identify also records who is who in `person_ids`. Bodies are parsed and encoded
 * off the main thread when there are decode workers (encode.ts): JSON parsing makes much
 * short-lived garbage, and the main thread's young generation is kept small.
 */
export class CaptureIngest {
  constructor(private readonly o: CaptureOptions) {}

  /** PostHog: a `{batch: [...]}` body, or one event; the key is `api_key` in the body or a Bearer token. */
  posthog(tenant: string, body: Buffer, encoding: string | undefined, authorization?: string): Promise<CaptureResult> {
    return this.store({ kind: 'posthog', tenant, body, encoding, authorization, now: this.o.now() });
  }

  /** Segment: `/v1/batch` (`type` per message) or one message of `type`; the key is `writeKey` in the body or Basic auth `<key>:`. */
  segment(tenant: string, body: Buffer, encoding: string | undefined, type?: string, authorization?: string): Promise<CaptureResult> {
    return this.store({ kind: 'segment', tenant, body, encoding, type, authorization, now: this.o.now() });
  }

  private async store(req: CaptureRequest): Promise<CaptureResult> {
    const { payloads, accepted, rejected, errors } = await this.o.encoding.encodeCapture(req);
    const block: EncodedBlock = { series: EMPTY, seriesRows: 0, samples: EMPTY, sampleRows: 0, metadata: EMPTY, metadataRows: 0, payloads };
    await this.o.sink.write(block);
    this.o.record(accepted, rejected);
    if (accepted === 0 && rejected > 0) throw new ApiError('SAMPLES_REJECTED', `${rejected} event(s) refused: ${errors.join('; ')}`, { accepted, rejected });
    return { accepted, rejected, errors };
  }
}

