import { describe, expect, it } from 'vitest';
import { parseSelector } from './selector.js';

describe('parseSelector', () => {
  it('parses names, matchers, quotes and escapes', () => {
    expect(parseSelector('up')).toEqual([{ name: '__name__', type: '=', value: 'up' }]);
    expect(parseSelector('http_requests_total{code=~"5..", job!="a\\"b", path!~`/x\\y`, env=\'p\'}')).toEqual([
      { name: 'code', type: '=~', value: '5..' },
      { name: 'job', type: '!=', value: 'a"b' },
      { name: 'path', type: '!~', value: '/x\\y' },
      { name: 'env', type: '=', value: 'p' },
      { name: '__name__', type: '=', value: 'http_requests_total' }, // appended, as Prometheus does
    ]);
    expect(parseSelector('{__name__=~"a.*",}')).toHaveLength(1);
  });

  it('refuses selectors that match everything and malformed ones', () => {
    for (const bad of ['{a=""}', '{a=~".*"}', '{}', 'up{', 'up{a="b"} extra', 'up{a~"b"}', '{a="b}', '1up']) {
      expect(() => parseSelector(bad), bad).toThrow(/invalid selector/);
    }
  });
});
