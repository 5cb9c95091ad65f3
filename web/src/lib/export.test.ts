import { describe, expect, it } from 'vitest';
import { toCsv } from './export';

describe('toCsv', () => {
  it('quotes fields with commas, quotes and line breaks, and leaves others bare', () => {
    expect(toCsv(['series', 'time', 'value'], [['up{job="a,b"}', 10, 1.5], ['x', 20, null], ['two\nlines', 0, 'ok']]))
      .toBe('series,time,value\r\n"up{job=""a,b""}",10,1.5\r\nx,20,\r\n"two\nlines",0,ok\r\n');
  });
});
