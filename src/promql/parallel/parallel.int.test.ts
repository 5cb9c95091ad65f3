import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tmp.js';
import { BlockBuilder, makeSeriesRef } from '../../storage/block.js';
import { ChdbConnection } from '../../storage/clickhouse/connection-chdb.js';
import { ClickHouseStorage } from '../../storage/clickhouse/storage.js';
import { STALE_FLAG } from '../../storage/interface.js';
import { evaluate, type EngineLimits } from '../engine.js';
import { parse } from '../parse.js';
import type { Value } from '../value.js';
import { QueryWorkers } from './query-workers.js';

// Streamed aggregations split between the main thread and worker threads, reading the in-process
// copy's shared memory, against the same queries evaluated series by series on the main thread.

const dir = tempDir('parallel-eval');
const conn = new ChdbConnection({ path: dir.path, maxServerMemoryBytes: 1 << 30, maxQueryMemoryBytes: 512 << 20 });
const storage = new ClickHouseStorage(conn, { database: 'p1', mode: 'embedded' as const, cluster: '', metricsRetentionSeconds: 30 * 86_400 }, { bytes: 64 << 20 });
const workers = new QueryWorkers(2, (err) => { throw err; });
const STEP = 15_000;
const STEPS = 500;
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
const RANGE = { start: T0 + 600_000, end: T0 + (STEPS - 1) * STEP, step: 30_000 };
const BASE: EngineLimits = { lookbackMs: 300_000, subqueryStepMs: 60_000, maxSamples: 50_000_000, maxSeries: 1_000_000, deadline: Infinity };

beforeAll(async () => {
  await storage.migrate();
  // Counters with resets, gauges, a jittered scrape, staleness markers, series that stop, and two
  // metrics with the same labels otherwise (a range function over both repeats a label set).
  const refs = Array.from({ length: 120 }, (_, i) => makeSeriesRef('default', i % 3 === 0 ? 'g' : i % 3 === 1 ? 'c_total' : 'd_total', [['code', String(200 + (Math.floor(i / 3) % 4))], ['job', `j${Math.floor(i / 3) % 5}`], ['n', String(Math.floor(i / 3))]]));
  for (let from = 0; from < STEPS; from += 100) {
    const b = new BlockBuilder();
    for (const r of refs) b.series(r, T0 + from * STEP);
    for (let step = from; step < from + 100; step++) {
      for (const [i, r] of refs.entries()) {
        if (i % 7 === 0 && step > 300) continue;
        const t = T0 + step * STEP + (i % 5 === 0 ? (step * 7919) % 900 : 0);
        if (i % 11 === 0 && step % 40 === 39) b.sample(r, t, Number.NaN, STALE_FLAG);
        else if (i % 3 === 0) b.sample(r, t, Math.round(5000 + 1000 * Math.sin(step / 10 + i)) / 100, 0);
        else b.sample(r, t, (step % (97 + i)) * (i + 1) + 0.25, 0);
      }
    }
    await storage.write([b.finish()], `blk-${from}`);
  }
});

afterAll(async () => {
  await workers.close();
  await storage.close();
  dir.remove();
});

async function run(q: string, parallel: boolean, maxSeries?: number): Promise<Value | string> {
  const select = (m: Parameters<ClickHouseStorage['select']>[1], r: Parameters<ClickHouseStorage['select']>[2], h?: Parameters<ClickHouseStorage['select']>[3]) => storage.select('default', m, r, h);
  const limits: EngineLimits = parallel ? { ...BASE, parallel: { workers, selectShared: (m, r) => storage.selectShared('default', m, r), minCells: 0, ...(maxSeries ? { maxSeries } : {}) } } : BASE;
  try {
    return await evaluate(parse(q), RANGE, select, limits);
  } catch (err) {
    return (err as Error).message;
  }
}

/** Series as sorted [labels, values] with NaN spelled out; values rounded to 12 significant digits (sums add in another order). */
function canon(v: Value | string): unknown {
  if (typeof v === 'string' || v.type !== 'vector') return v;
  return v.series
    .map((s) => [JSON.stringify(Object.entries(s.labels).sort()), [...s.values].map((x, i) => (!s.has[i] ? null : Number.isNaN(x) ? 'NaN' : Number(x.toPrecision(12))))] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('parallel evaluation of streamed aggregations', () => {
  it('reads the selection from shared memory', async () => {
    const sel = await storage.selectShared('default', [{ name: '__name__', type: '=', value: 'c_total' }], { start: RANGE.start - 300_000, end: RANGE.end });
    expect(sel?.labels).toHaveLength(40);
    expect(sel?.samples(0, 40)?.slabs.length).toBeGreaterThan(0);
    expect(sel?.samples(0, 40)?.series.length).toBe(40 * 4);
  });

  const queries = [
    'sum by (job) (rate(c_total[5m]))',
    'sum(increase(d_total[2m]))',
    'count by (code) (delta(g[5m]))',
    'min by (job) (g)',
    'max(g)',
    'max by (code) (max_over_time(g[10m]))',
    'min(min_over_time(c_total[3m] offset 5m))',
    'group by (job) (c_total)',
    'sum by (job) (avg_over_time(g[1h]))',
    'sum(quantile_over_time(0.9, g[10m]))',
    'sum by (n) (last_over_time({__name__=~"c_total|d_total"}[5m]))',
    'count(g @ end())',
    'sum without (n) (irate(c_total[1m]))',
    'sum(stddev_over_time(g[5m]))',
    'sum(rate(missing_total[5m]))',
  ];
  for (const q of queries) {
    it(q, async () => {
      const want = await run(q, false);
      const got = await run(q, true);
      expect(canon(got)).toEqual(canon(want));
    });
  }

  it('still refuses equal label sets among a range function\'s results', async () => {
    expect(await run('sum(rate({__name__=~"c_total|d_total"}[5m]))', true)).toBe('vector cannot contain metrics with the same labelset');
  });

  it('streams series one at a time past its most series (the same answer, no samples gathered)', async () => {
    const q = 'sum by (job) (rate(c_total[5m]))';
    let gathered = 0;
    const select = (m: Parameters<ClickHouseStorage['select']>[1], r: Parameters<ClickHouseStorage['select']>[2], h?: Parameters<ClickHouseStorage['select']>[3]) => storage.select('default', m, r, h);
    const counting = async (m: Parameters<ClickHouseStorage['select']>[1], r: Parameters<ClickHouseStorage['select']>[2]) => {
      const sel = await storage.selectShared('default', m, r);
      return sel && { labels: sel.labels, samples: (from: number, to: number) => (gathered++, sel.samples(from, to)) };
    };
    const limited = await evaluate(parse(q), RANGE, select, { ...BASE, parallel: { workers, selectShared: counting, minCells: 0, maxSeries: 10 } });
    expect(gathered).toBe(0);
    expect(canon(limited)).toEqual(canon(await run(q, false)));
    await evaluate(parse(q), RANGE, select, { ...BASE, parallel: { workers, selectShared: counting, minCells: 0 } });
    expect(gathered).toBe(3);
  });

  it('counts the samples a split query reads against max_samples', async () => {
    const q = 'sum(rate(c_total[5m]))';
    const select = (m: Parameters<ClickHouseStorage['select']>[1], r: Parameters<ClickHouseStorage['select']>[2]) => storage.select('default', m, r);
    await expect(evaluate(parse(q), RANGE, select, { ...BASE, maxSamples: 1000, parallel: { workers, selectShared: (m, r) => storage.selectShared('default', m, r), minCells: 0 } })).rejects.toThrow(/too many samples/);
  });
});
