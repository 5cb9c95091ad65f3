/** One shared buffer and the typed views chunks are read and written through. */
export interface Slab {
  /** Shared, so that query worker threads read chunks where they are. */
  readonly buffer: SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Bytes of chunks still in it. */
  live: number;
  /** Its id in its Slabs (an id is used again once its buffer is let go). */
  readonly id: number;
}

const SLAB_BYTES = 1 << 20;

/** Typed views of a slab's buffer (also made by query worker threads for the slabs they are sent). */
export function slabViews(buf: SharedArrayBuffer): Omit<Slab, 'live' | 'id'> {
  return { buffer: buf, u8: new Uint8Array(buf), i8: new Int8Array(buf), i16: new Int16Array(buf), i32: new Int32Array(buf), f64: new Float64Array(buf) };
}

/**
 * Memory for sealed chunks, handed out from large shared buffers (bump allocation, 8-byte
 * aligned): a few dozen ArrayBuffers for the garbage collector to track instead of several per
 * series, which made every collection of a busy ingest process slower. A buffer is let go when
 * its last chunk is freed. Written bytes are never written again (allocation only moves forward,
 * and an emptied buffer is replaced by a new one), so a thread holding a buffer reads the chunks
 * it was given while ingest goes on.
 */
export class Slabs {
  private readonly slabs: (Slab | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private current = -1;
  private used = SLAB_BYTES;

  /** Room for `bytes` (rounded up to 8): the slab's id and the offset in it. */
  alloc(bytes: number): [id: number, offset: number] {
    const size = (bytes + 7) & ~7;
    if (size > SLAB_BYTES) throw new Error(`chunk of ${bytes} bytes is larger than a slab`);
    if (this.used + size > SLAB_BYTES) this.open();
    const at = this.used;
    this.used += size;
    this.slabs[this.current]!.live += size;
    return [this.current, at];
  }

  /** Gives back what `alloc` handed out. */
  free(id: number, bytes: number): void {
    const slab = this.slabs[id]!;
    slab.live -= (bytes + 7) & ~7;
    if (slab.live === 0 && id !== this.current) {
      this.slabs[id] = undefined;
      this.freeIds.push(id);
    }
  }

  get(id: number): Slab {
    return this.slabs[id]!;
  }

  private open(): void {
    const old = this.current >= 0 ? this.slabs[this.current] : undefined;
    if (old?.live === 0) {
      this.slabs[this.current] = undefined;
      this.freeIds.push(this.current);
    }
    const id = this.freeIds.pop() ?? this.slabs.length;
    const slab: Slab = { ...slabViews(new SharedArrayBuffer(SLAB_BYTES)), live: 0, id };
    this.slabs[id] = slab;
    this.current = id;
    this.used = 0;
  }
}

/** The arrays of a slot's buffer (a slot is a byte range of it). */
export interface SlotBuffer {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
}

/**
 * Fixed-size slots (one series' open tail each) in large buffers, reused through a free list:
 * like Slabs, so that open tails are not an ArrayBuffer per series.
 */
export class SlotPool {
  private readonly buffers: SlotBuffer[] = [];
  private readonly freeSlots: number[] = [];
  private readonly perBuffer: number;

  /** @param slotBytes bytes per slot (a multiple of 8) */
  constructor(private readonly slotBytes: number) {
    this.perBuffer = Math.max(1, Math.floor(SLAB_BYTES / slotBytes));
  }

  /** A free slot's id. */
  alloc(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const id = this.buffers.length * this.perBuffer;
    const buf = new ArrayBuffer(this.perBuffer * this.slotBytes);
    this.buffers.push({ f64: new Float64Array(buf), i32: new Int32Array(buf), u16: new Uint16Array(buf) });
    for (let s = this.perBuffer - 1; s > 0; s--) this.freeSlots.push(id + s);
    return id;
  }

  free(id: number): void {
    this.freeSlots.push(id);
  }

  /** The buffer slot `id` is in, and the slot's first byte in it. */
  locate(id: number): [buffer: SlotBuffer, at: number] {
    const b = Math.floor(id / this.perBuffer);
    return [this.buffers[b]!, (id - b * this.perBuffer) * this.slotBytes];
  }
}
