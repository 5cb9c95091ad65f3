import { describe, expect, it } from 'vitest';
import { parseEnvelope, sentryKey } from './envelope.js';

describe('Sentry envelopes', () => {
  it('reads items with and without lengths', () => {
    const body = Buffer.from('{"event_id":"abc"}\n{"type":"event"}\n{"message":"hi"}\n{"type":"attachment","length":5}\na\nb\nc\n{"type":"session"}\n{"sid":"1"}');
    const e = parseEnvelope(body);
    expect(e.header).toEqual({ event_id: 'abc' });
    expect(e.items.map((i) => [i.type, i.payload.toString()])).toEqual([['event', '{"message":"hi"}'], ['attachment', 'a\nb\nc'], ['session', '{"sid":"1"}']]);
  });

  it('names what is wrong', () => {
    expect(() => parseEnvelope(Buffer.from(''))).toThrow('empty envelope');
    expect(() => parseEnvelope(Buffer.from('{"a":1}\nnot json\n{}'))).toThrow('item 0 header is not JSON');
    expect(() => parseEnvelope(Buffer.from('{}\n{"type":"x","length":99}\nshort'))).toThrow('item 0 (x): length 99 runs past the end');
    expect(() => parseEnvelope(Buffer.from('{}\n{"length":1}\nx'))).toThrow('item 0 header has no type');
  });

  it('finds the key in the query or the auth header', () => {
    expect(sentryKey(new Map([['sentry_key', ['k1']]]), {})).toBe('k1');
    expect(sentryKey(new Map(), { 'x-sentry-auth': 'Sentry sentry_version=7, sentry_key=k2, sentry_client=x' })).toBe('k2');
    expect(sentryKey(new Map(), {})).toBeUndefined();
  });
});
