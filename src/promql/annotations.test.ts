import { describe, expect, it } from 'vitest';
import { goG } from '../util/go-format.js';
import { Annotations } from './annotations.js';
import { evaluate } from './engine.js';
import { parse } from './parse.js';
import { memorySelect, type StoredSeries, TEST_LIMITS } from './promqltest/runner.js';

const t = [0, 60_000, 120_000, 180_000];
const store: StoredSeries[] = [
  { labels: { __name__: 'temperature', room: 'a' }, t, v: [1, 2, 3, 4], f: [0, 0, 0, 0] },
  { labels: { __name__: 'req_total', room: 'a' }, t, v: [1, 2, 3, 4], f: [0, 0, 0, 0] },
  { labels: { __name__: 'lat_bucket', le: '0.1' }, t, v: [5, 5, 5, 5], f: [0, 0, 0, 0] },
  { labels: { __name__: 'lat_bucket', le: '1' }, t, v: [3, 3, 3, 3], f: [0, 0, 0, 0] },
  { labels: { __name__: 'lat_bucket', le: '+Inf' }, t, v: [9, 9, 9, 9], f: [0, 0, 0, 0] },
  { labels: { __name__: 'lat_bucket' }, t, v: [1, 1, 1, 1], f: [0, 0, 0, 0] },
];

async function notesOf(query: string, stream: boolean): Promise<Annotations> {
  const notes = new Annotations();
  await evaluate(parse(query), { start: 120_000, end: 180_000, step: 60_000 }, memorySelect(store), { ...TEST_LIMITS, deadline: Date.now() + 60_000, stream }, notes);
  return notes;
}

describe('annotations', () => {
  for (const stream of [true, false]) {
    it(`notes what Prometheus 3 notes${stream ? '' : ' (not streamed)'}`, async () => {
      expect((await notesOf('sum(rate(temperature[5m]))', stream)).infos).toEqual(['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature"']);
      expect((await notesOf('sum(rate(req_total[5m]))', stream)).infos).toEqual([]);
      expect((await notesOf('sum(quantile_over_time(1.5, temperature[5m]))', stream)).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 1.5']);
    });
  }

  it('notes bad bucket labels, forced monotonicity and bad quantiles', async () => {
    const h = await notesOf('histogram_quantile(0.5, lat_bucket)', true);
    expect(h.warnings).toEqual(['PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "lat_bucket"']);
    expect(h.infos).toEqual(['PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "lat_bucket"']);
    expect((await notesOf('quantile(-1, temperature)', true)).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got -1']);
    expect((await notesOf('quantile(0.5, temperature)', true)).warnings).toEqual([]);
  });

  it("formats numbers like Go's %g", () => {
    expect([1.5, 2, -1, 1e-7, 1234567, 123456, Number.NaN, Infinity].map(goG)).toEqual(['1.5', '2', '-1', '1e-07', '1.234567e+06', '123456', 'NaN', '+Inf']);
  });
});
