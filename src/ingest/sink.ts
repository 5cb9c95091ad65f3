import { blockRows, type EncodedBlock } from '../storage/interface.js';
import { ApiError } from '../api/errors.js';

/** Where validated blocks go: the WAL. `append` resolves once the block is durable. */
export interface BlockLog {
  append(block: EncodedBlock): Promise<void>;
  /** Bytes appended but not yet stored. */
  readonly pendingBytes: number;
}

export interface IngestSinkOptions {
  log: BlockLog;
  /** Above this many unstored bytes, ingest is refused with 503. */
  maxPendingBytes: number;
  /** True while storage inserts are failing. */
  storageFailing: () => boolean;
}

/**
 * The one door from ingest to durability. Refuses work (503 + Retry-After) when the WAL holds
 * more unstored data than allowed or storage is failing, so memory and disk stay bounded.
 */
export class IngestSink {
  constructor(private readonly opts: IngestSinkOptions) {}

  /** Throws OVERLOADED when ingest must back off. Cheap: call before reading a body. */
  admit(): void {
    if (this.opts.log.pendingBytes > this.opts.maxPendingBytes) {
      throw new ApiError('OVERLOADED', `ingest is behind: ${this.opts.log.pendingBytes} bytes are not yet stored (limit ${this.opts.maxPendingBytes})`, {}, { 'Retry-After': '5' });
    }
    if (this.opts.storageFailing()) {
      throw new ApiError('STORAGE_UNAVAILABLE', 'storage inserts are failing; ingest paused', {}, { 'Retry-After': '10' });
    }
  }

  /** Makes the block durable. Resolves after fsync; the caller may then acknowledge. */
  async write(block: EncodedBlock): Promise<void> {
    if (blockRows(block) === 0) return;
    await this.opts.log.append(block);
  }
}
