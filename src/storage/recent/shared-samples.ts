import { decodeChunk, decodeTail, type SampleArrays, type SampleScratch, TAIL_FIELDS, trim } from './series-chunks.js';
import { type Slab, slabViews } from './slabs.js';

/** The arrays of a SharedSamples of its own (given away to the thread it is sent to). */
export function ownBuffers(s: SharedSamples): ArrayBuffer[] {
  return [s.series, s.chunks, s.tails].map((a) => a.buffer as ArrayBuffer);
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
  /** Open-tail samples as the tails hold them: time, mantissa or raw value, decimals·256 + flags. */
  tails: Float64Array;
  /** The range every series is read over (ms, inclusive). */
  start: number;
  end: number;
}

/** Builds SharedSamples series by series (SeriesChunks.share writes into it). */
export class SharedWriter {
  /** Index in `slabs` by slab id (ids are not used again while a writer is filled: it is filled in one go). */
  private readonly slabIndex: number[] = [];
  private readonly slabs: SharedArrayBuffer[] = [];
  private series: Int32Array;
  private chunks: Float64Array;
  private tails: Float64Array;
  private nSeries = 0;
  private nChunks = 0;
  private nTail = 0;
  private seriesChunks = 0;
  private seriesTail = 0;

  /** @param expected how many series are coming (sizes the arrays: an open tail holds 64 samples on average) */
  constructor(readonly start: number, readonly end: number, expected = 16) {
    this.series = new Int32Array(expected * 4);
    this.chunks = new Float64Array(expected * 16);
    this.tails = new Float64Array(expected * 64 * TAIL_FIELDS);
  }

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

  /** The current series' open tail samples (a run of a tail's slot, copied). */
  tail(samples: Float64Array): void {
    const at = this.nTail * TAIL_FIELDS;
    while (at + samples.length > this.tails.length) this.tails = grown(this.tails);
    this.tails.set(samples, at);
    this.nTail += samples.length / TAIL_FIELDS;
    this.seriesTail += samples.length / TAIL_FIELDS;
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
      tails: this.tails.subarray(0, this.nTail * TAIL_FIELDS),
      start: this.start,
      end: this.end,
    };
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  const out = new (a.constructor as new (n: number) => T)(Math.max(64, a.length * 2));
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
    decodeTail(this.s.tails, tail0 * TAIL_FIELDS, (tail0 + tails) * TAIL_FIELDS, t, v, f, at);
    return trim(t, v, f, this.s.start, this.s.end);
  }
}

