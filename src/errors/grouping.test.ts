import { describe, expect, it } from 'vitest';
import { fingerprintOf, normalizeMessage } from './grouping.js';

const frames = (line: number, file = '/srv/app/dist/checkout.js') => [
  { filename: '/srv/app/node_modules/express/lib/router.js', function: 'handle', in_app: false },
  { filename: file, function: 'charge', in_app: true, lineno: line },
];

describe('error grouping', () => {
  it('groups by exception type and in-app frames, ignoring lines and build paths', () => {
    const a = fingerprintOf({ exceptions: [{ type: 'TypeError', value: 'x is undefined', frames: frames(10) }], message: '' });
    const b = fingerprintOf({ exceptions: [{ type: 'TypeError', value: 'y is undefined', frames: frames(99, '/home/ci/build/dist/checkout.js') }], message: '' });
    const c = fingerprintOf({ exceptions: [{ type: 'RangeError', value: 'x is undefined', frames: frames(10) }], message: '' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('falls back to the normalized message, and honours the SDK fingerprint', () => {
    const m = (message: string) => fingerprintOf({ exceptions: [], message });
    expect(m('order 1234 failed for a@b.com from 10.0.0.1')).toBe(m('order 98 failed for c@d.org from 192.168.1.7'));
    expect(m('order 1 failed')).not.toBe(m('order 1 shipped'));
    expect(normalizeMessage('id 550e8400-e29b-41d4-a716-446655440000 at 0xdeadbeef took 1.5s')).toBe('id <uuid> at <hex> took <num>s');
    const custom = (fp: string[]) => fingerprintOf({ exceptions: [{ type: 'E', value: '', frames: frames(1) }], message: '', fingerprint: fp });
    expect(custom(['db-timeout'])).toBe(custom(['db-timeout']));
    expect(custom(['db-timeout'])).not.toBe(custom(['{{ default }}']));
    expect(custom(['{{ default }}'])).toBe(fingerprintOf({ exceptions: [{ type: 'E', value: '', frames: frames(7) }], message: '' }));
  });
});
