import { describe, expect, it } from 'vitest';
import { parseAttributeFilter, parseSearchText } from './search-text.js';

describe('search text', () => {
  it('splits words and quoted phrases', () => {
    expect(parseSearchText('timeout  "connection reset" db "say \\"hi\\"" ""')).toEqual({ terms: ['timeout', 'db'], phrases: ['connection reset', 'say "hi"'] });
    expect(parseSearchText('')).toEqual({ terms: [], phrases: [] });
  });

  it('reads attribute filters', () => {
    expect(parseAttributeFilter('user.id=42')).toEqual({ key: 'user.id', op: '=', value: '42' });
    expect(parseAttributeFilter('code != 500')).toEqual({ key: 'code', op: '!=', value: ' 500' });
    expect(parseAttributeFilter('path=~/api/.*')).toEqual({ key: 'path', op: '=~', value: '/api/.*' });
    expect(parseAttributeFilter('path!~/health')).toEqual({ key: 'path', op: '!~', value: '/health' });
    expect(parseAttributeFilter('resource.k8s.pod.name')).toEqual({ key: 'resource.k8s.pod.name', op: 'exists', value: '' });
    expect(parseAttributeFilter('!error')).toEqual({ key: 'error', op: '!exists', value: '' });
    expect(parseAttributeFilter('a=b=c')).toEqual({ key: 'a', op: '=', value: 'b=c' });
    expect(() => parseAttributeFilter('=x')).toThrow('has no key');
  });
});
