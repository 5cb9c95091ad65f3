import { describe, expect, it } from 'vitest';
import { database, ident, join, param, render, sql } from './sql.js';

describe('sql template', () => {
  it('turns values into typed parameters and identifiers into quoted names', () => {
    const where = join([sql`${ident('tenant')} = ${param('String', "x' OR 1=1")}`, sql`${ident('unix_milli')} >= ${param('Int64', 5)}`], sql` AND `);
    const q = render(sql`SELECT count() FROM ${database('db')}.${ident('samples')} WHERE ${where}`);
    expect(q.text).toBe('SELECT count() FROM `db`.`samples` WHERE `tenant` = {p0:String} AND `unix_milli` >= {p1:Int64}');
    expect(q.params).toEqual({ p0: "x' OR 1=1", p1: 5 });
  });
  it('refuses identifiers that are not allow-listed', () => {
    expect(() => ident('samples; DROP TABLE x')).toThrow(/not allowed/);
    expect(() => database('a-b')).toThrow(/invalid database/);
  });
  it('renders an empty join as nothing', () => {
    expect(render(join([], sql`,`)).text).toBe('');
  });
});
