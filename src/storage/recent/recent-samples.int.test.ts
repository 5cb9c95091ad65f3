import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tmp.js';
import { BlockBuilder, makeSeriesRef } from '../block.js';
import { STALE_FLAG, type LabelMatcher, type SeriesSamples, type TimeRange } from '../interface.js';
import { ChdbConnection } from '../clickhouse/connection-chdb.js';
import { ClickHouseStorage } from '../clickhouse/storage.js';

// The in-process copy of recent samples against ClickHouse itself: the same data written through
// a storage that keeps the copy must read back exactly as a storage without it reads it.

const dir = tempDir('recent-samples');
const conn = new ChdbConnection({ path: dir.path, maxServerMemoryBytes: 1 << 30, maxQueryMemoryBytes: 512 << 20 });
const schema = { database: 'r1', mode: 'embedded' as const, cluster: '', metricsRetentionSeconds: 30 * 86_400 };
const cached = new ClickHouseStorage(conn, schema, { bytes: 64 << 20 });
const plain = new ClickHouseStorage(conn, schema);
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
const STEP = 15_000;
const STEPS = 700;

async function collect(it: AsyncIterable<SeriesSamples>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const s of it) out.push({ labels: s.labels, t: [...s.timestamps], v: [...s.values].map((v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v)), f: [...s.flags] });
  return out;
}

const eq = (name: string, value: string): LabelMatcher => ({ name, type: '=', value });

beforeAll(async () => {
  await cached.migrate();
  expect(cached.recentSamples()).toMatchObject({ bytes: 0, coveredFrom: Number.NEGATIVE_INFINITY });
  const refs = Array.from({ length: 40 }, (_, i) => makeSeriesRef(i % 4 === 3 ? 'other' : 'default', i % 2 ? 'requests_total' : 'temperature', [['i', String(i)], ['job', `j${i % 3}`]]));
  for (let from = 0; from < STEPS; from += 100) {
    const b = new BlockBuilder();
    for (const r of refs) b.series(r, T0 + from * STEP);
    for (let step = from; step < from + 100; step++) {
      for (const [i, r] of refs.entries()) {
        const t = T0 + step * STEP + (i % 5 === 0 ? (step * 7919) % 900 : 0);
        if (i === 6 && step % 50 === 49) b.sample(r, t, Number.NaN, STALE_FLAG);
        else if (i % 2) b.sample(r, t, step * (i + 1), 0);
        else b.sample(r, t, i === 8 ? Math.sin(step) : i === 10 && step === 3 ? -0 : Math.round(2000 + 100 * Math.cos(step + i)) / 100, 0);
      }
    }
    const block = b.finish();
    await cached.write([block], `blk-${from}`);
    if (from === 300) await cached.write([block], `blk-${from}`);
  }
  // A sample older than the newest of its series (ingest refuses these; a WAL replay may not).
  const late = new BlockBuilder();
  late.sample(refs[1]!, T0 + 10 * STEP + 1, 12345, 0);
  await cached.write([late.finish()], 'late');
});

afterAll(async () => {
  await cached.close();
  dir.remove();
});

describe('recent samples in process', () => {
  const whole: TimeRange = { start: T0 - 60_000, end: T0 + STEPS * STEP };
  const cases: [string, LabelMatcher[], TimeRange][] = [
    ['every temperature', [eq('__name__', 'temperature')], whole],
    ['counters by regex, a window inside chunks', [eq('__name__', 'requests_total'), { name: 'job', type: '=~', value: 'j[01]' }], { start: T0 + 77 * STEP + 3, end: T0 + 391 * STEP - 1 }],
    ['one series, one sample', [eq('__name__', 'requests_total'), eq('i', '1')], { start: T0 + 10 * STEP + 1, end: T0 + 10 * STEP + 1 }],
    ['after the last sample', [eq('__name__', 'temperature')], { start: T0 + STEPS * STEP + 1000, end: T0 + STEPS * STEP + 9000 }],
  ];
  for (const [name, matchers, range] of cases) {
    it(`reads what ClickHouse reads: ${name}`, async () => {
      expect(cached.recentSamples()!.series).toBe(40);
      let found = 0;
      for (const tenant of ['default', 'other']) {
        const fromMemory = await collect(cached.select(tenant, matchers, range));
        const fromClickHouse = await collect(plain.select(tenant, matchers, range));
        expect(fromMemory).toEqual(fromClickHouse);
        // Read into arrays reused series to series (each is copied before the next is asked for).
        expect(await collect(cached.select(tenant, matchers, range, { transient: true }))).toEqual(fromClickHouse);
        found += fromMemory.length;
      }
      expect(found > 0).toBe(name !== 'after the last sample');
    });
  }

  it('after a restart with a preload span, holds the newest stored samples and reads them as ClickHouse does', async () => {
    const hour = 3_600_000;
    const preloaded = new ClickHouseStorage(conn, schema, { bytes: 64 << 20, preloadMs: hour });
    await preloaded.migrate();
    const newest = T0 + (STEPS - 1) * STEP + ((STEPS - 1) * 7919) % 900;
    const stats = preloaded.recentSamples()!;
    expect(stats.coveredFrom).toBeLessThanOrEqual(newest - hour + 1);
    expect(stats.coveredFrom).toBeGreaterThan(T0);
    expect(stats.series).toBe(40);
    const lastHour = { start: stats.coveredFrom, end: newest };
    for (const matchers of [[eq('__name__', 'temperature')], [eq('__name__', 'requests_total')]]) {
      for (const tenant of ['default', 'other']) {
        expect(await collect(preloaded.select(tenant, matchers, lastHour))).toEqual(await collect(plain.select(tenant, matchers, lastHour)));
      }
    }
  });

  it('after a restart answers only for times newer than what storage held', async () => {
    const again = new ClickHouseStorage(conn, schema, { bytes: 64 << 20 });
    await again.migrate();
    const from = again.recentSamples()!.coveredFrom;
    expect(from).toBeGreaterThan(T0 + (STEPS - 1) * STEP);
    const matchers = [eq('__name__', 'requests_total')];
    expect(await collect(again.select('default', matchers, whole))).toEqual(await collect(plain.select('default', matchers, whole)));
    const b = new BlockBuilder();
    const r = makeSeriesRef('default', 'requests_total', [['i', 'new']]);
    b.series(r, from);
    b.sample(r, from + 1000, 7, 0);
    await again.write([b.finish()], 'after-restart');
    const recentRange = { start: from, end: from + 60_000 };
    expect(await collect(again.select('default', matchers, recentRange))).toEqual([{ labels: { __name__: 'requests_total', i: 'new' }, t: [from + 1000], v: [7], f: [0] }]);
  });
});

describe('recent samples after a restart, with samples stamped in the future', () => {
  it('loads those and covers from now, without a preload span', async () => {
    const future = { ...schema, database: 'r2' };
    const first = new ClickHouseStorage(conn, future, { bytes: 64 << 20 });
    await first.migrate();
    const now = Date.now();
    const later = now + 10 * 365 * 86_400_000;
    const r = makeSeriesRef('default', 'wrong_unit', []);
    const b = new BlockBuilder();
    b.series(r, now - 60_000);
    b.sample(r, now - 60_000, 1, 0);
    b.sample(r, later, 2, 0); // a clock ten years ahead
    await first.write([b.finish()], 'future');
    const again = new ClickHouseStorage(conn, future, { bytes: 64 << 20 });
    await again.migrate();
    const from = again.recentSamples()!.coveredFrom;
    expect(from).toBeGreaterThan(now - 60_000);
    expect(from).toBeLessThanOrEqual(Date.now() + 1);
    const range = { start: from, end: later };
    expect(await collect(again.select('default', [eq('__name__', 'wrong_unit')], range))).toEqual([{ labels: { __name__: 'wrong_unit' }, t: [later], v: [2], f: [0] }]);
  });
});
