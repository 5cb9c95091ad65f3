import { decodeChunk, type SampleArrays, type SampleScratch, trim } from './series-chunks.js';
import { type Slab, slabViews } from './slabs.js';

/** The arrays of a SharedSamples of its own (given away to the thread it is sent to). */
export function ownBuffers(s: SharedSamples): ArrayBuffer[] {
  return [s.series, s.chunks, s.tailT, s.tailV, s.tailF].map((a) => a.buffer as ArrayBuffer);
}

/**
 * The samples of several series in a time range as another thread can read them: sealed chunks
 * by reference into the shared slabs (whose written bytes never change), open tails copied.
 * Plain data: it crosses `postMessage` with the slabs shared, not copied.
 */
export interface SharedSamples {
  slabs: SharedArrayBuffer[];
  /** Per series, 4 numbers: first chunk reference, chunk references, first tail sample, tail samples. */
  series: Int32Array;
  /** Per chunk reference, 4 numbers: slab (index in `slabs`), offset, first time, samples. */
  chunks: Float64Array;
  tailT: Float64Array;
  tailV: Float64Array;
  tailF: Uint8Array;
  /** The range every series is read over (ms, inclusive). */
  start: number;
  end: number;
}

/** Builds SharedSamples series by series (SeriesChunks.share writes into it). */
export class SharedWriter {
  /** Index in `slabs` by slab id (ids are not used again while a writer is filled: it is filled in one go). */
  private readonly slabIndex: number[] = [];
  private readonly slabs: SharedArrayBuffer[] = [];
  private series = new Int32Array(64);
  private chunks = new Float64Array(256);
  private tailT = new Float64Array(256);
  private tailV = new Float64Array(256);
  private tailF = new Uint8Array(256);
  private nSeries = 0;
  private nChunks = 0;
  private nTail = 0;
  private seriesChunks = 0;
  private seriesTail = 0;

  constructor(readonly start: number, readonly end: number) {}

  /** A sealed chunk of the current series. */
  chunk(slab: Pick<Slab, 'buffer' | 'id'>, off: number, t0: number, samples: number): void {
    let id = this.slabIndex[slab.id];
    if (id === undefined) {
      id = this.slabs.push(slab.buffer) - 1;
      this.slabIndex[slab.id] = id;
    }
    if ((this.nChunks + 1) * 4 > this.chunks.length) this.chunks = grown(this.chunks);
    const k = this.nChunks++ * 4;
    this.chunks[k] = id;
    this.chunks[k + 1] = off;
    this.chunks[k + 2] = t0;
    this.chunks[k + 3] = samples;
    this.seriesChunks++;
  }

  /** A sample of the current series' open tail. */
  sample(t: number, v: number, f: number): void {
    if (this.nTail === this.tailT.length) {
      this.tailT = grown(this.tailT);
      this.tailV = grown(this.tailV);
      this.tailF = grown(this.tailF);
    }
    this.tailT[this.nTail] = t;
    this.tailV[this.nTail] = v;
    this.tailF[this.nTail++] = f;
    this.seriesTail++;
  }

  /** Ends the current series (what `chunk`/`sample` gave since the last call). */
  next(): void {
    if ((this.nSeries + 1) * 4 > this.series.length) this.series = grown(this.series);
    const k = this.nSeries++ * 4;
    this.series[k] = this.nChunks - this.seriesChunks;
    this.series[k + 1] = this.seriesChunks;
    this.series[k + 2] = this.nTail - this.seriesTail;
    this.series[k + 3] = this.seriesTail;
    this.seriesChunks = 0;
    this.seriesTail = 0;
  }

  /** The samples gathered (views of the writer's arrays: one writer, one SharedSamples). */
  finish(): SharedSamples {
    return {
      slabs: this.slabs,
      series: this.series.subarray(0, this.nSeries * 4),
      chunks: this.chunks.subarray(0, this.nChunks * 4),
      tailT: this.tailT.subarray(0, this.nTail),
      tailV: this.tailV.subarray(0, this.nTail),
      tailF: this.tailF.subarray(0, this.nTail),
      start: this.start,
      end: this.end,
    };
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length * 2);
  out.set(a);
  return out;
}

/** Decodes the series of a SharedSamples, in any thread. */
export class SharedReader {
  private readonly views: ReturnType<typeof slabViews>[];

  constructor(private readonly s: SharedSamples) {
    this.views = s.slabs.map(slabViews);
  }

  /** Series `i`'s samples in the range, in `scratch` (valid until its next use); undefined when none. */
  read(i: number, scratch: SampleScratch): SampleArrays | undefined {
    const { series, chunks } = this.s;
    const c0 = series[i * 4]!;
    const c1 = c0 + series[i * 4 + 1]!;
    const tail0 = series[i * 4 + 2]!;
    const tails = series[i * 4 + 3]!;
    let total = tails;
    for (let c = c0; c < c1; c++) total += chunks[c * 4 + 3]!;
    if (total === 0) return undefined;
    const { t, v, f } = scratch.room(total);
    let at = 0;
    for (let c = c0; c < c1; c++) {
      const slab = this.views[chunks[c * 4]!]!;
      at = decodeChunk(slab, chunks[c * 4 + 1]!, chunks[c * 4 + 2]!, t, v, f, at);
    }
    t.set(this.s.tailT.subarray(tail0, tail0 + tails), at);
    v.set(this.s.tailV.subarray(tail0, tail0 + tails), at);
    f.set(this.s.tailF.subarray(tail0, tail0 + tails), at);
    return trim(t, v, f, this.s.start, this.s.end);
  }
}

