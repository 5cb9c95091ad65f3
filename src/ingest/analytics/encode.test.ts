import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors.js';
import { CaptureEncoder, type CaptureRequest } from './encode.js';

const NOW = Date.UTC(2026, 0, 10);
const encoder = new CaptureEncoder({ bodyLimitBytes: 1 << 20, maxAgeMs: 86_400_000, maxFutureMs: 3_600_000, maxPropertiesBytes: 200, keys: ['phc_good'], scrub: { fields: ['password'], emails: false } });
const req = (kind: CaptureRequest['kind'], body: unknown, extra: Partial<CaptureRequest> = {}): CaptureRequest =>
  ({ kind, tenant: 't', body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), now: NOW, ...extra });

describe('CaptureEncoder', () => {
  it('encodes good events and refuses bad ones one by one with their reasons', async () => {
    const r = await encoder.encode(req('posthog', { api_key: 'phc_good', batch: [
      { event: 'signup', distinct_id: 'u1', properties: { password: 'x', $set: { plan: 'pro' } } },
      { distinct_id: 'u2' },
      { event: 'big', distinct_id: 'u3', properties: { blob: 'y'.repeat(300) } },
      { event: 'old', distinct_id: 'u4', timestamp: new Date(NOW - 2 * 86_400_000).toISOString() },
    ] }));
    expect(r).toMatchObject({ accepted: 1, rejected: 3 });
    expect(r.errors).toEqual(['event 1: missing event name', 'big of u3: properties take more than 200 bytes', expect.stringContaining('old of u4: timestamp') as unknown]);
    expect(r.payloads.map((p) => [p.table, p.rows])).toEqual([['events', 1], ['person_ids', 1]]);
    const events = r.payloads[0]!.data.toString('latin1');
    expect(events).toContain('[Filtered]');
    expect(events).not.toContain('"x"');
  });

  it('reads Segment batches and single messages, with the write key from Basic auth', async () => {
    const basic = `Basic ${Buffer.from('phc_good:').toString('base64')}`;
    expect(await encoder.encode(req('segment', { batch: [{ type: 'track', event: 'a', userId: 'u' }, { type: 'track', event: 'b', anonymousId: 'x' }] }, { authorization: basic }))).toMatchObject({ accepted: 2, rejected: 0 });
    expect(await encoder.encode(req('segment', { event: 'c', userId: 'u' }, { type: 'track', authorization: basic }))).toMatchObject({ accepted: 1 });
  });

  it('refuses a body that is not JSON, and a missing or unknown key, whole', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'none', (e: unknown) => (e instanceof ApiError ? e.code : String(e)));
    expect(await code(encoder.encode(req('posthog', '{nope')))).toBe('BAD_JSON');
    expect(await code(encoder.encode(req('posthog', { batch: [] })))).toBe('UNAUTHORIZED');
    expect(await code(encoder.encode(req('posthog', { api_key: 'phc_bad', batch: [] })))).toBe('UNAUTHORIZED');
    expect(await encoder.encode(req('posthog', { batch: [{ event: 'e', distinct_id: 'd' }] }, { authorization: 'Bearer phc_good' }))).toMatchObject({ accepted: 1 });
  });
});
