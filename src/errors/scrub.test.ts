import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRUB_FIELDS, scrub } from './scrub.js';

describe('scrubbing', () => {
  it('removes secret fields and card numbers, keeps the user', () => {
    const event = {
      message: 'charge 4111 1111 1111 1111 failed for bob@example.com, order 1234567890123',
      request: { headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k' }, data: { password: 'hunter2', nested: [{ sessionId: 's' }] } },
      extra: { db_password: 'x', count: 3, input_tokens: 120, accessToken: 'a', apikey: 'k2' },
      user: { id: 'u-1', email: 'ann@example.com' },
    };
    expect(scrub(event, { fields: DEFAULT_SCRUB_FIELDS, emails: false })).toEqual({
      message: 'charge [Filtered card] failed for bob@example.com, order 1234567890123',
      request: { headers: { Authorization: '[Filtered]', 'X-Api-Key': '[Filtered]' }, data: { password: '[Filtered]', nested: [{ sessionId: '[Filtered]' }] } },
      extra: { db_password: '[Filtered]', count: 3, input_tokens: 120, accessToken: '[Filtered]', apikey: '[Filtered]' },
      user: { id: 'u-1', email: 'ann@example.com' },
    });
    expect((scrub(event, { fields: [], emails: true }) as { message: string }).message).toBe('charge [Filtered card] failed for [Filtered email], order 1234567890123');
  });
});
