import type { TablePayload } from '../storage/row-tables.js';
import type { SpanSample } from '../traces/span-metrics.js';

/** What logs and spans may look like before they are refused or cut. */
export interface EventLimits {
  /** Longer bodies are cut to this many bytes (and the row flagged `Truncated`). */
  maxBodyBytes: number;
  /** Longer attribute values are cut the same way. */
  maxAttributeBytes: number;
  /** Records older than this, or further in the future than `maxFutureMs`, are refused. */
  maxAgeMs: number;
  maxFutureMs: number;
}

/** Rows ready for the WAL, and what was refused (counts and the first few reasons). */
export interface Converted {
  payloads: TablePayload[];
  /** The accepted spans as the span metrics count them (traces only). */
  spans?: SpanSample[];
  accepted: number;
  rejected: number;
  errors: string[];
}

const HEX = /^[0-9a-f]*$/;
export const ZERO_TRACE = '0'.repeat(32);
export const ZERO_SPAN = '0'.repeat(16);
const MAX_ERRORS = 10;

/** `s` cut to at most `max` UTF-8 bytes, on a character boundary. */
function cut(s: string, max: number): string {
  if (s.length * 3 <= max || Buffer.byteLength(s) <= max) return s;
  const t = Buffer.from(s).toString('utf8', 0, max);
  return t.endsWith('\uFFFD') ? t.slice(0, -1) : t;
}

/** Validates and cuts the values of one request's log records or spans, and keeps what it refused. */
export class Checker {
  truncated = false;
  readonly errors: string[] = [];
  rejected = 0;
  private readonly nowNs: bigint;

  constructor(private readonly limits: EventLimits, nowMs: number) {
    this.nowNs = BigInt(Math.round(nowMs)) * 1_000_000n;
  }

  refuse(message: string): void {
    this.rejected++;
    if (this.errors.length < MAX_ERRORS) this.errors.push(message);
  }

  text(s: string, max: number): string {
    const out = cut(s, max);
    if (out !== s) this.truncated = true;
    return out;
  }

  pairs(p: [string, string][]): [string, string][] {
    for (const kv of p) kv[1] = this.text(kv[1], this.limits.maxAttributeBytes);
    return p;
  }

  /** An id of `bytes` bytes as hex, or '' (when allowed); false when malformed. */
  id(hex: string, bytes: number, zero: string, optional: boolean): string | false {
    if (hex === '' || hex === zero) return optional ? '' : false;
    return hex.length === bytes * 2 && HEX.test(hex) ? hex : false;
  }

  /** Why the time is outside the accepted window, or '' when it is inside. */
  window(ns: bigint): string {
    return timeWindowProblem(Number(ns / 1_000_000n), Number(this.nowNs / 1_000_000n), this.limits);
  }

  get now(): bigint {
    return this.nowNs;
  }
}

/**
 * Why a record's time (Unix ms) is outside [now − maxAgeMs, now + maxFutureMs], or '' when it is
 * inside: the one wording every ingest path refuses with.
 */
export function timeWindowProblem(atMs: number, nowMs: number, limits: { maxAgeMs: number; maxFutureMs: number }): string {
  if (atMs < nowMs - limits.maxAgeMs) return `timestamp ${new Date(atMs).toISOString()} is older than the accepted ${limits.maxAgeMs / 1000} s`;
  if (atMs > nowMs + limits.maxFutureMs) return `timestamp ${new Date(atMs).toISOString()} is more than ${limits.maxFutureMs / 1000} s in the future`;
  return '';
}
