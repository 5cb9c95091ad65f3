import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CODES } from './errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('error catalogue', () => {
  it('documents every code in the README with its status', () => {
    for (const [code, e] of Object.entries(ERROR_CODES)) {
      expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${e.status} \\|`));
    }
  });

  it('renders the Prometheus error shape', () => {
    const err = new ApiError('BAD_PARAMETER', 'no match[] parameter provided', { extra: 1 });
    expect(err.status).toBe(400);
    expect(err.body()).toEqual({ status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided', code: 'BAD_PARAMETER', extra: 1 });
  });
});
