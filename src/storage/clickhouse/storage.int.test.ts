import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAlertHistory } from '../../../test/alert-history-cases.js';
import { LogRowWriter } from '../log-rows.js';
import { tempDir } from '../../../test/tmp.js';
import { BlockBuilder, makeSeriesRef } from '../block.js';
import { STALE_FLAG, type SeriesSamples } from '../interface.js';
import { ChdbConnection } from './connection-chdb.js';
import { MIGRATIONS } from './migrate.js';
import { ClickHouseStorage } from './storage.js';
import { render, sql } from './sql.js';

const dir = tempDir('storage');
const conn = new ChdbConnection({ path: dir.path, maxServerMemoryBytes: 1 << 30, maxQueryMemoryBytes: 512 << 20 });
const schema = { database: 't1', mode: 'embedded' as const, cluster: '', metricsRetentionSeconds: 7 * 86_400 };
const storage = new ClickHouseStorage(conn, schema);
// Noon two days ago: inside the 7-day retention whenever the test runs.
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000 + 12 * 3_600_000;

async function collect(it: AsyncIterable<SeriesSamples>): Promise<SeriesSamples[]> {
  const out: SeriesSamples[] = [];
  for await (const s of it) out.push(s);
  return out;
}

beforeAll(async () => {
  await storage.migrate();
  await storage.migrate();
  const b = new BlockBuilder();
  const a = makeSeriesRef('default', 'http_requests_total', [['code', '200'], ['job', 'api']]);
  const c = makeSeriesRef('default', 'http_requests_total', [['code', '500'], ['job', 'api']]);
  const g = makeSeriesRef('default', 'temperature', [['room', 'a\tb "q"']]);
  const other = makeSeriesRef('other', 'http_requests_total', [['code', '200'], ['job', 'api']]);
  for (const r of [a, c, g, other]) b.series(r, T0);
  for (let i = 0; i < 10; i++) {
    b.sample(a, T0 + i * 15_000, i * 10, 0);
    b.sample(c, T0 + i * 15_000, i, 0);
    b.sample(other, T0 + i * 15_000, 1000, 0);
  }
  b.sample(g, T0, 0.1 + 0.2, 0);
  b.sample(g, T0 + 15_000, Number.NaN, STALE_FLAG);
  b.sample(g, T0 + 30_000, 1 / 3, 0);
  b.sample(g, T0 + 45_000, -0, 0);
  b.metadata('default', 'http_requests_total', 'counter', 'Requests.', '', 1);
  const block = b.finish();
  await storage.write([block], 'tok-1');
  await storage.write([block], 'tok-1'); // a replay of the same block stores nothing twice
});

afterAll(async () => {
  await storage.close();
  dir.remove();
});

describe('ClickHouseStorage on chDB', () => {
  const range = { start: T0 - 60_000, end: T0 + 3_600_000 };

  it('records migrations once', async () => {
    const out = await conn.query(render(sql`SELECT count() FROM t1.schema_migrations`), 'TabSeparated');
    expect(out.toString().trim()).toBe(String(MIGRATIONS.length));
  });

  it('selects series and samples by matchers, scoped by tenant', async () => {
    const got = await collect(storage.select('default', [{ name: '__name__', type: '=', value: 'http_requests_total' }, { name: 'code', type: '=~', value: '2..' }], range));
    expect(got).toHaveLength(1);
    expect(got[0]!.labels).toEqual({ __name__: 'http_requests_total', code: '200', job: 'api' });
    expect(Array.from(got[0]!.values)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(got[0]!.timestamps[1]).toBe(T0 + 15_000);
    const sub = await collect(storage.select('default', [{ name: '__name__', type: '=', value: 'http_requests_total' }], { start: T0 + 15_000, end: T0 + 30_000 }));
    expect(sub.map((s) => s.values)).toHaveLength(2);
    expect(Array.from(sub[0]!.timestamps)).toEqual([T0 + 15_000, T0 + 30_000]);
  });

  it('keeps exact float values and staleness markers', async () => {
    const [g] = await collect(storage.select('default', [{ name: 'room', type: '!=', value: '' }], range));
    expect(g!.values[0]).toBe(0.1 + 0.2);
    expect(g!.labels.room).toBe('a\tb "q"');
    expect(Number.isNaN(g!.values[1])).toBe(true);
    expect(Array.from(g!.flags), JSON.stringify([Array.from(g!.timestamps), Array.from(g!.values), Array.from(g!.flags)])).toEqual([0, STALE_FLAG, 0, 0]);
    expect(g!.values[2]).toBe(1 / 3);
    expect(Object.is(g!.values[3], -0)).toBe(true);
    const alias = await conn.query(render(sql`SELECT value FROM t1.samples WHERE metric_name = 'http_requests_total' AND tenant = 'default' ORDER BY fingerprint, unix_milli LIMIT 3`), 'TabSeparated');
    expect(alias.toString()).toMatch(/^\d+\n\d+\n\d+\n$/); // hand-written SQL reads the value column
  });

  it('matches a missing label with x="" and anchors regexes', async () => {
    const missing = await storage.series('default', [[{ name: 'code', type: '=', value: '' }]], range, 100);
    expect(missing.map((l) => l.__name__)).toEqual(['temperature']);
    const anchored = await storage.series('default', [[{ name: 'code', type: '=~', value: '0' }]], range, 100);
    expect(anchored).toEqual([]);
  });

  it('answers label names and values', async () => {
    expect(await storage.labelNames('default', [], range, 100)).toEqual(['__name__', 'code', 'job', 'room']);
    expect(await storage.labelValues('default', 'code', [], range, 100)).toEqual(['200', '500']);
    expect(await storage.labelValues('default', '__name__', [], range, 100)).toEqual(['http_requests_total', 'temperature']);
    expect(await storage.labelValues('other', 'code', [], range, 100)).toEqual(['200']);
    expect(await storage.labelValues('default', 'code', [], { start: T0 + 3 * 86_400_000, end: T0 + 4 * 86_400_000 }, 100)).toEqual([]);
  });

  it('returns metadata', async () => {
    const m = await storage.metadata('default', { limit: 10, limitPerMetric: 10 });
    expect(Object.fromEntries(m)).toEqual({ http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }] });
  });

  it('measures bytes on disk', async () => {
    const m = await storage.compactAndMeasure();
    expect(m.samples).toBe(34);
    expect(m.bytesOnDisk).toBeGreaterThan(0);
  });

  it('aligns the TTL with the configured retention', async () => {
    const longer = new ClickHouseStorage(conn, { ...schema, metricsRetentionSeconds: 9 * 86_400 });
    await longer.migrate();
    const out = await conn.query(render(sql`SELECT engine_full FROM system.tables WHERE database = 't1' AND name = 'samples'`), 'TabSeparated');
    expect(out.toString()).toContain(`toIntervalSecond(${9 * 86_400})`);
    expect(out.toString()).toContain('merge_selector_base = 20');
    const logs = await conn.query(render(sql`SELECT engine_full FROM system.tables WHERE database = 't1' AND name = 'logs'`), 'TabSeparated');
    expect(logs.toString()).toContain('merge_selector_base = 20');
  });

  it('stores Native blocks with different dictionaries and index widths in one insert', async () => {
    const wide = new BlockBuilder();
    for (let i = 0; i < 66_000; i++) wide.sample(makeSeriesRef('wide', `m_${i}`, []), T0 + i, i, 0); // UInt32 indexes
    const narrow = new BlockBuilder();
    const one = makeSeriesRef('wide', 'm_7', [['x', 'y']]);
    narrow.sample(one, T0 - 86_400_000, 2.5, 0);
    narrow.sample(one, T0 + 1, 0.125, 0);
    await storage.write([wide.finish(), narrow.finish()], 'tok-2');
    const out = await conn.query(render(sql`SELECT count(), uniqExact(metric_name), sum(value) FROM t1.samples WHERE tenant = 'wide'`), 'TabSeparated');
    expect(out.toString().trim().split('\t').map(Number)).toEqual([66_002, 66_000, 65_999 * 33_000 + 2.5 + 0.125]);
  });

  it('reads many series in chunks, over ranges longer than 49 days, and stops early quietly', async () => {
    const b = new BlockBuilder();
    const refs = Array.from({ length: 2_500 }, (_, i) => makeSeriesRef('many', 'm', [['i', String(i)]]));
    for (const r of refs) b.series(r, T0);
    refs.forEach((r, i) => {
      for (let k = 0; k < 3; k++) b.sample(r, T0 + k * 1000, i + k / 4, 0);
    });
    await storage.write([b.finish()], 'tok-3');
    const all = await collect(storage.select('many', [{ name: '__name__', type: '=', value: 'm' }], range));
    expect(all).toHaveLength(2_500);
    for (const s of all) {
      const i = Number(s.labels.i);
      expect(Array.from(s.values)).toEqual([i, i + 0.25, i + 0.5]);
      expect(Array.from(s.timestamps)).toEqual([T0, T0 + 1000, T0 + 2000]);
    }
    const long = await collect(storage.select('many', [{ name: 'i', type: '=', value: '7' }], { start: T0 - 60 * 86_400_000, end: T0 + 86_400_000 }));
    expect(Array.from(long[0]!.timestamps)).toEqual([T0, T0 + 1000, T0 + 2000]);
    for await (const s of storage.select('many', [{ name: '__name__', type: '=', value: 'm' }], range)) {
      expect(s.values).toHaveLength(3);
      break; // the chunk read ahead is dropped without an unhandled rejection
    }
  });

  it('keeps one sample of a timestamp stored twice', async () => {
    const b = new BlockBuilder();
    const r = makeSeriesRef('twice', 'm', []);
    b.series(r, T0);
    b.sample(r, T0, 1, 0);
    b.sample(r, T0 + 1000, 2, 0);
    await storage.write([b.finish()], 'tok-4');
    const again = new BlockBuilder();
    again.sample(r, T0 + 1000, 5, 0); // re-sent after a restart, with another value
    again.sample(r, T0 + 2000, 3, 0);
    await storage.write([again.finish()], 'tok-5');
    const [s] = await collect(storage.select('twice', [{ name: '__name__', type: '=', value: 'm' }], range));
    expect(Array.from(s!.timestamps)).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect([2, 5]).toContain(s!.values[1]);
    expect([s!.values[0], s!.values[2]]).toEqual([1, 3]);
  });

  it('remembers series lookups only until a new series is written', async () => {
    const matchers = [{ name: '__name__', type: '=' as const, value: 'fresh' }];
    const first = new BlockBuilder();
    const a = makeSeriesRef('cache', 'fresh', [['i', 'a']]);
    first.series(a, T0);
    first.sample(a, T0, 1, 0);
    await storage.write([first.finish()], 'tok-6');
    expect(await collect(storage.select('cache', matchers, range))).toHaveLength(1);
    expect(await collect(storage.select('cache', matchers, range))).toHaveLength(1); // from the cache
    const second = new BlockBuilder();
    const b = makeSeriesRef('cache', 'fresh', [['i', 'b']]);
    second.series(b, T0);
    second.sample(b, T0, 2, 0);
    await storage.write([second.finish()], 'tok-7');
    const after = await collect(storage.select('cache', matchers, range));
    expect(after.map((s) => s.labels.i)).toEqual(expect.arrayContaining(['a', 'b']));
    expect(after).toHaveLength(2);
  });

  it('writes and reads the alerting history', () => checkAlertHistory(storage, T0));

  it('pages logs newest first across the recent five minutes and the rest, ties at page edges included', async () => {
    const w = new LogRowWriter('paging');
    const end = Math.floor(T0 / 60_000) * 60_000 + 20 * 60_000;
    const times: number[] = [];
    for (let i = 0; i < 300; i++) times.push(end - i * 4_000); // 20 minutes, 75 lines in the last five
    for (let i = 0; i < 6; i++) times.push(end - 5 * 60_000, end - 5 * 60_000 - 1); // ties on both sides of the split
    times.forEach((t, i) => {
      w.add({
        timestampNs: BigInt(t) * 1_000_000n, observedNs: 0n, traceId: '', spanId: '', traceFlags: 0, severityText: 'INFO', severityNumber: 9,
        serviceName: 'pager', body: `line ${i}${i % 3 === 0 ? ' third' : ''}`, resourceSchemaUrl: '', resourceAttributes: [], scopeSchemaUrl: '', scopeName: '', scopeVersion: '',
        scopeAttributes: [], logAttributes: [], eventName: '', truncated: false,
      });
    });
    const empty = Buffer.alloc(0);
    await storage.write([{ series: empty, seriesRows: 0, samples: empty, sampleRows: 0, metadata: empty, metadataRows: 0, payloads: w.finish() }], 'logs-paging');
    const base = { range: { start: end - 30 * 60_000, end }, services: ['pager'], severities: [], terms: [] as string[], phrases: [], attributes: [] };
    const pageAll = async (q: typeof base, limit: number) => {
      const seen: { t: number; body: string }[] = [];
      let after: Parameters<typeof storage.searchLogs>[2]['after'];
      for (let n = 0; n < 500; n++) {
        const page = await storage.searchLogs('paging', q, { limit, ...(after ? { after } : {}) });
        seen.push(...page.records.map((r) => ({ t: Number(BigInt(r.timeUnixNano) / 1_000_000n), body: r.body })));
        if (!page.next) break;
        after = page.next;
      }
      return seen;
    };
    for (const limit of [7, 100, 1000]) {
      const all = await pageAll(base, limit); // service only: the recent five minutes are read first
      expect(all).toHaveLength(times.length);
      expect(new Set(all.map((r) => r.body)).size).toBe(times.length);
      expect(all.map((r) => r.t)).toEqual([...times].sort((a, b) => b - a));
    }
    const thirds = await pageAll({ ...base, terms: ['third'] }, 9); // a word: the whole range at once
    expect(thirds.map((r) => r.t)).toEqual(times.filter((_, i) => i % 3 === 0).sort((a, b) => b - a));
    const recent = await storage.searchLogs('paging', base, { limit: 10 });
    expect(recent.records.map((r) => Number(BigInt(r.timeUnixNano) / 1_000_000n))).toEqual(times.slice(0, 10));
  });

  it('counts logs per bucket the same from the per-minute projection as from the rows', async () => {
    const w = new LogRowWriter('default');
    const base = Math.floor(T0 / 60_000) * 60_000;
    const levels = ['INFO', 'WARN', 'ERROR'];
    for (let i = 0; i < 600; i++) {
      w.add({
        timestampNs: BigInt(base + i * 1_700) * 1_000_000n, observedNs: 0n, traceId: '', spanId: '', traceFlags: 0, severityText: levels[i % 3]!, severityNumber: 9,
        serviceName: i % 2 ? 'api' : 'web', body: `line ${i}`, resourceSchemaUrl: '', resourceAttributes: [], scopeSchemaUrl: '', scopeName: '', scopeVersion: '',
        scopeAttributes: [], logAttributes: [], eventName: '', truncated: false,
      });
    }
    const empty = Buffer.alloc(0);
    await storage.write([{ series: empty, seriesRows: 0, samples: empty, sampleRows: 0, metadata: empty, metadataRows: 0, payloads: w.finish() }], 'logs-1');
    const q = { range: { start: base, end: base + 600 * 1_700 }, services: ['api'], severities: ['warn', 'error'], terms: [], phrases: [], attributes: [] };
    const fromProjection = await storage.logCounts('default', q, 120_000, 'severity');
    const fromRows = await storage.logCounts('default', q, 30_000, 'severity');
    const rollUp = new Map<string, number>();
    for (const r of fromRows) {
      const k = `${Math.floor(r.time / 120_000) * 120_000}/${r.key}`;
      rollUp.set(k, (rollUp.get(k) ?? 0) + r.count);
    }
    expect(fromProjection.map((r) => [`${r.time}/${r.key}`, r.count])).toEqual([...rollUp].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expect(fromProjection.reduce((n, r) => n + r.count, 0)).toBe(200);
    // One value of a filter is written as `=`, several as IN: both select the same lines.
    const total = async (services: string[], severities: string[]) => (await storage.logCounts('default', { ...q, services, severities }, 120_000)).reduce((n, r) => n + r.count, 0);
    expect(await total(['api'], ['warn'])).toBe(100);
    expect(await total(['api', 'web'], ['warn'])).toBe(200);
    expect(await total(['api', 'web', 'none'], ['WARN', 'error'])).toBe(400);
    const page = await storage.searchLogs('default', { ...q, services: ['web', 'api'], severities: ['info'] }, { limit: 1000 });
    expect(page.records).toHaveLength(200);
    const withWord = { ...q, terms: ['line'] }; // whole minutes read from the stored Minute column
    expect(await storage.logCounts('default', withWord, 120_000, 'severity')).toEqual(fromProjection);
    expect(await storage.logCounts('default', withWord, 30_000, 'severity')).toEqual(fromRows);
  });

  it('adds the Minute column to a logs table made before it, and counts the same with it', async () => {
    const migration = MIGRATIONS.find((m) => m.version === 6)!;
    await conn.command(render(sql`ALTER TABLE t1.logs DROP INDEX idx_minute`));
    await conn.command(render(sql`ALTER TABLE t1.logs DROP COLUMN Minute`));
    const base = Math.floor(T0 / 60_000) * 60_000;
    const q = { range: { start: base, end: base + 600 * 1_700 }, services: ['web'], severities: [], terms: ['line'], phrases: [], attributes: [] };
    const before = await storage.logCounts('default', { ...q, terms: [] }, 300_000);
    for (const s of migration.statements(schema)) await conn.command(render(s));
    for (const s of migration.statements(schema)) await conn.command(render(s)); // idempotent
    expect(await storage.logCounts('default', q, 300_000)).toEqual(before);
    expect(before.reduce((n, r) => n + r.count, 0)).toBe(300);
  });
});
