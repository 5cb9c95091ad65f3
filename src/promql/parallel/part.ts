import { SampleScratch } from '../../storage/recent/series-chunks.js';
import { SharedReader, type SharedSamples } from '../../storage/recent/shared-samples.js';
import type { SeriesSamples } from '../../storage/interface.js';
import { addSteps, type StreamableOp } from '../accumulate.js';
import type { AtModifier, VectorSelector } from '../ast.js';
import { RangeStepper, seriesSteps, type Grid, type SeriesStepper } from '../series-steps.js';

/**
 * One part of a streamed aggregation (stream.ts) — a run of consecutive series of a shared
 * selection — as any thread evaluates it: each series' step values added into running values
 * per group, which the main thread then merges part after part. Plain data, sent to workers.
 */
export interface PartJob {
  kind: 'instant' | 'range';
  op: Exclude<StreamableOp, 'avg'>;
  /** Range function (kind `range`). */
  func: string;
  rangeMs: number;
  offsetMs: number;
  at: AtModifier | undefined;
  lookbackMs: number;
  steps: number[];
  query: { start: number; end: number };
  /** Number arguments of the range function, one value for every step. */
  scalars: number[];
  /** Group index of every series of the selection (the part's arrays cover up to its largest). */
  groups: Int32Array;
  /** The series of this part: [from, to) of the selection, [0, to - from) of its SharedSamples. */
  from: number;
  to: number;
}

export interface PartResult {
  /** Per group, `steps` running values and counts (see GroupAccumulator.merge). */
  acc: Float64Array;
  count: Float64Array;
  /** Per series of the part: 1 where it gave a value at some step. */
  produced: Uint8Array;
  /** Series and samples read (for the query's limits). */
  series: number;
  samples: number;
}

/** Evaluates a part; `check` is called every 256 series (deadline). */
export function evalPart(job: PartJob, shared: SharedSamples, check?: () => void): PartResult {
  const n = job.steps.length;
  const grid: Grid = { steps: job.steps, query: job.query };
  let nGroups = 0;
  for (let i = job.from; i < job.to; i++) nGroups = Math.max(nGroups, job.groups[i]! + 1);
  const acc = new Float64Array(nGroups * n);
  const count = new Float64Array(nGroups * n);
  const produced = new Uint8Array(job.to - job.from);
  const values = new Float64Array(n);
  const has = new Uint8Array(n);
  const reader = new SharedReader(shared);
  const scratch = new SampleScratch();
  const sums = job.op !== 'min' && job.op !== 'max';
  const by: SeriesStepper = job.kind === 'range'
    ? new RangeStepper(job.func, job.rangeMs, job.offsetMs, job.at, grid, job.scalars.map((x) => new Float64Array(n).fill(x)))
    : { sel: { at: job.at, offsetMs: job.offsetMs } as VectorSelector, grid, lookbackMs: job.lookbackMs };
  let series = 0;
  let samples = 0;
  for (let i = job.from; i < job.to; i++) {
    if (((i - job.from + 1) & 255) === 0) check?.();
    const read = reader.read(i - job.from, scratch);
    if (!read) continue;
    series++;
    samples += read.timestamps.length;
    const s: SeriesSamples = { labels: {}, ...read };
    const base = job.groups[i]! * n;
    const into = sums ? { acc: acc.subarray(base, base + n), count: count.subarray(base, base + n) } : undefined;
    const r = seriesSteps(by, s, into, values, has);
    if (r === 'none') continue;
    produced[i - job.from] = 1;
    if (r === 'values') addSteps(job.op, acc, count, values, has, base, n);
  }
  return { acc, count, produced, series, samples };
}
