import { describe, expect, it } from 'vitest';
import { LookupCache } from './lookup-cache.js';

describe('LookupCache', () => {
  it('answers from memory until invalidated', async () => {
    const cache = new LookupCache<number>(10, 100);
    let loads = 0;
    const load = () => Promise.resolve([++loads]);
    expect(await cache.get('a', load)).toEqual([1]);
    expect(await cache.get('a', load)).toEqual([1]);
    cache.invalidate();
    expect(await cache.get('a', load)).toEqual([2]);
  });

  it('does not keep an answer that was loaded across an invalidation', async () => {
    const cache = new LookupCache<string>(10, 100);
    let release: (rows: string[]) => void = () => undefined;
    const slow = cache.get('k', () => new Promise<string[]>((r) => {
      release = r;
    }));
    cache.invalidate(); // a series row was written while the lookup ran
    release(['old']);
    expect(await slow).toEqual(['old']);
    expect(await cache.get('k', () => Promise.resolve(['new']))).toEqual(['new']);
  });

  it('evicts the least recently used entries beyond its bounds', async () => {
    const cache = new LookupCache<number>(2, 5);
    let loads = 0;
    const load = (n: number) => () => {
      loads++;
      return Promise.resolve(Array.from({ length: n }, (_, i) => i));
    };
    await cache.get('a', load(1));
    await cache.get('b', load(1));
    await cache.get('a', load(1)); // a is now the most recent
    await cache.get('c', load(1)); // evicts b
    expect(loads).toBe(3);
    await cache.get('a', load(1));
    expect(loads).toBe(3);
    await cache.get('b', load(1));
    expect(loads).toBe(4);
    await cache.get('big', load(6)); // more rows than the cache holds: not kept
    await cache.get('big', load(6));
    expect(loads).toBe(6);
  });
});
