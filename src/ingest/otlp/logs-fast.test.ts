import { describe, expect, it } from 'vitest';
import { encodeLogs, type TestLog } from '../../../test/otlp-proto.js';
import { logRows } from './convert.js';
import { transcodeLogs } from './logs-fast.js';
import { decodeLogsProto } from './proto.js';

const limits = { maxBodyBytes: 40, maxAttributeBytes: 12, maxAgeMs: 3_600_000, maxFutureMs: 60_000 };
const now = Date.UTC(2026, 10, 30, 12);
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

/** The fast transcoder must give the same rows, counts and reasons as decode + convert. */
function same(service: string, logs: TestLog[]): void {
  const body = encodeLogs(service, logs);
  const slow = logRows('tenant-a', decodeLogsProto(body), limits, now);
  const fast = transcodeLogs('tenant-a', body, limits, now);
  expect({ ...fast, payloads: fast.payloads.map((p) => ({ ...p, data: p.data.toString('hex') })) })
    .toEqual({ ...slow, payloads: slow.payloads.map((p) => ({ ...p, data: p.data.toString('hex') })) });
}

describe('fast OTLP logs transcoder', () => {
  it('writes the same rows as the decode-and-convert path', () => {
    same('checkout', [
      { timeNs: ns(now - 1000), body: 'plain line', severityNumber: 9, traceId: Buffer.alloc(16, 0xab), spanId: Buffer.alloc(8, 0xcd), attributes: { user: 'u-1', n: 42n, ok: true, ratio: 0.5 } },
      { timeNs: ns(now), body: 'é'.repeat(30), severityNumber: 17 },
      { timeNs: ns(now), body: { structured: [1, 'x'] }, attributes: { long: 'y'.repeat(20), bytes: Buffer.from('hi') } },
      { timeNs: 0n, body: 42n },
      { timeNs: ns(now), body: 'zero ids', traceId: Buffer.alloc(16), spanId: Buffer.alloc(8) },
    ]);
  });

  it('refuses the same records for the same reasons', () => {
    same('edge', [
      { timeNs: ns(now), body: 'kept' },
      { timeNs: ns(now), body: 'bad trace', traceId: Buffer.alloc(5, 1) },
      { timeNs: ns(now), body: 'bad span', spanId: Buffer.alloc(3, 1) },
      { timeNs: ns(now - 2 * 3_600_000), body: 'old' },
      { timeNs: ns(now + 3_600_000), body: 'future' },
    ]);
  });

  it('handles a service name that is not a string, and an empty request', () => {
    same('', []);
    expect(transcodeLogs('t', Buffer.alloc(0), limits, now)).toEqual({ payloads: [], accepted: 0, rejected: 0, errors: [] });
  });
});
