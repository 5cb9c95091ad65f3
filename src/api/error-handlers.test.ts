import { describe, expect, it } from 'vitest';
import { sentryAdmit } from './error-handlers.js';
import { ApiError } from './errors.js';

describe('Sentry backpressure', () => {
  it('turns the WAL\'s 503 into the 429 Sentry SDKs back off on', () => {
    const overloaded = sentryAdmit(() => { throw new ApiError('OVERLOADED', 'ingest is behind', {}, { 'Retry-After': '5' }); });
    try {
      overloaded();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(429);
      expect((err as ApiError).headers).toEqual({ 'Retry-After': '5', 'X-Sentry-Rate-Limits': '5::organization' });
    }
    expect(() => { sentryAdmit(() => undefined)(); }).not.toThrow();
  });
});
