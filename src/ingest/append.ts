import { BlockBuilder } from '../storage/block.js';
import { decimalsOf, RAW_DECIMALS } from '../storage/value-encoding.js';
import { STALE_FLAG, type EncodedBlock } from '../storage/interface.js';
import { hashBytes, sameBytes, type ByteKeyEntry, type SeriesCache, type SeriesState, type TenantKeys } from './series-cache.js';

/** Why a sample was not stored. Stable strings: they are metric label values and API output. */
export type RejectReason =
  | 'missing_metric_name' | 'invalid_metric_name' | 'invalid_label_name' | 'duplicate_label_name'
  | 'label_name_too_long' | 'label_value_too_long' | 'too_many_labels'
  | 'out_of_order' | 'duplicate_timestamp' | 'invalid_timestamp' | 'invalid_line' | 'invalid_value'
  | 'native_histogram_unsupported';

export interface IngestLimits {
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxLabelsPerSeries: number;
}

/** Accepted and rejected counts of one request, with the first error of each reason. */
export interface AppendSummary {
  accepted: number;
  rejected: number;
  errors: { reason: RejectReason; count: number; example: string }[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DAY_MS = 86_400_000;

/**
 * Validates the series and samples of one request and encodes them into one block. Rules follow
 * Prometheus: `__name__` required, names in the classic character set, empty label values mean
 * "no label", samples of a series strictly increasing in time (an identical repeat is ignored,
 * a different value at the same time is a duplicate).
 */
export class AppendSession {
  readonly block: BlockBuilder;
  private readonly known: TenantKeys;
  private viewOf: Buffer | undefined;
  /** The bytes-keyed entry of the previous series in this request. */
  private prevEntry: ByteKeyEntry | undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private accepted = 0;
  private readonly errors = new Map<RejectReason, { count: number; example: string }>();

  constructor(
    readonly tenant: string,
    private readonly cache: SeriesCache,
    private readonly limits: IngestLimits,
    /** About how many samples will come (sizes the column buffers once). */
    expectedSamples = 1024,
  ) {
    this.block = new BlockBuilder(expectedSamples);
    this.known = cache.tenantKeys(tenant);
  }

  /**
   * The state of the series identified by the format-specific `key`; `labels` is only called for
   * a series not seen before and may return null to drop the series on purpose (relabelling).
   * Undefined means the series is dropped or invalid (then recorded as a rejection of
   * `sampleCount` samples).
   */
  series(key: string, labels: () => [string, string][] | null, sampleCount: number): SeriesState | undefined {
    const known = this.known.strings.get(key);
    if (known) return known;
    const state = this.create(labels, sampleCount);
    if (state) this.known.strings.set(key, state);
    return state;
  }

  /**
   * Like `series`, keyed by the bytes buf[start, end) (remote_write label fields): a known
   * series costs a hash over the bytes and one comparison, with no string made.
   */
  seriesByBytes(buf: Buffer, start: number, end: number, labels: () => [string, string][] | null, sampleCount: number): SeriesState | undefined {
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view;
    const len = end - start;
    // Senders repeat their series in much the same order request after request (one queue
    // shard, scrape order): try the series that followed the previous one last time first.
    const prev = this.prevEntry;
    const predicted = prev?.successor;
    const arena = this.known.arena;
    if (predicted && predicted.keyLength === len && sameBytes(view, start, arena.view, predicted.keyOffset, len)) {
      this.prevEntry = predicted;
      return predicted.state;
    }
    const h = hashBytes(view, start, end);
    const first = this.known.bytes.get(h);
    let entry: ByteKeyEntry | undefined;
    for (let e = first; e; e = e.next) {
      if (e.keyLength === len && sameBytes(view, start, arena.view, e.keyOffset, len)) {
        entry = e;
        break;
      }
    }
    if (!entry) {
      const state = this.create(labels, sampleCount);
      if (!state) {
        this.prevEntry = undefined;
        return undefined;
      }
      entry = { keyOffset: arena.add(buf, start, end), keyLength: len, state, next: first, successor: undefined };
      this.known.bytes.set(h, entry);
    }
    if (prev) prev.successor = entry;
    this.prevEntry = entry;
    return entry.state;
  }

  private create(labels: () => [string, string][] | null, sampleCount: number): SeriesState | undefined {
    const pairs = labels();
    if (pairs === null) return undefined;
    const problem = this.validate(pairs);
    if (problem) {
      this.reject(problem[0], sampleCount, problem[1]);
      return undefined;
    }
    let metricName = '';
    const rest: [string, string][] = [];
    for (const p of pairs) {
      if (p[0] === '__name__') metricName = p[1];
      else if (p[1] !== '') rest.push(p);
    }
    rest.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return this.cache.register(this.tenant, metricName, rest);
  }

  private validate(pairs: [string, string][]): [RejectReason, string] | undefined {
    const l = this.limits;
    if (pairs.length > l.maxLabelsPerSeries + 1) return ['too_many_labels', `${pairs.length} labels, limit ${l.maxLabelsPerSeries}`];
    const seen = new Set<string>();
    let name: string | undefined;
    for (const [n, v] of pairs) {
      if (seen.has(n)) return ['duplicate_label_name', `label name "${n}" appears twice`];
      seen.add(n);
      if (n.length > l.maxLabelNameLength) return ['label_name_too_long', `label name "${n.slice(0, 64)}…" is longer than ${l.maxLabelNameLength}`];
      if (v.length > l.maxLabelValueLength) return ['label_value_too_long', `value of label "${n}" is longer than ${l.maxLabelValueLength}`];
      if (n === '__name__') name = v;
      else if (!LABEL_NAME.test(n)) return ['invalid_label_name', `invalid label name "${n}"`];
    }
    if (name === undefined || name === '') return ['missing_metric_name', `series ${describe(pairs)} has no __name__ label`];
    if (!METRIC_NAME.test(name)) return ['invalid_metric_name', `invalid metric name "${name}"`];
    return undefined;
  }

  /** Adds one sample of a valid series. */
  sample(s: SeriesState, ts: number, value: number, stale: boolean): void {
    if (!Number.isSafeInteger(ts)) {
      this.reject('invalid_timestamp', 1, `timestamp ${ts} of ${s.ref.metricName} is not an integer millisecond time`);
      return;
    }
    if (ts <= s.lastTs) {
      if (ts < s.lastTs) {
        this.reject('out_of_order', 1, `out of order sample for ${s.ref.metricName} at ${ts} (newest is ${s.lastTs})`);
      } else if (!sameValue(value, s.lastValue)) {
        this.reject('duplicate_timestamp', 1, `duplicate sample for timestamp ${ts} of ${s.ref.metricName} with a different value`);
      }
      return;
    }
    const day = Math.floor(ts / DAY_MS);
    if (day < s.minDay || day > s.maxDay) {
      this.block.series(s.ref, ts);
      if (day < s.minDay) s.minDay = day;
      if (day > s.maxDay) s.maxDay = day;
    }
    s.lastTs = ts;
    s.lastValue = value;
    const decimals = decimalsOf(value, s.decimals);
    if (decimals !== RAW_DECIMALS) s.decimals = decimals;
    this.block.sample(s.ref, ts, value, stale ? STALE_FLAG : 0, decimals);
    this.accepted++;
  }

  /** Adds metric family metadata unless the same was written within the hour. */
  metadata(metricName: string, type: string, help: string, unit: string, nowSec: number): void {
    if (this.cache.metadataFresh(this.tenant, metricName, `${type}|${help}|${unit}`, nowSec)) return;
    this.block.metadata(this.tenant, metricName, type, help, unit, nowSec);
  }

  /** Records `count` rejected samples. */
  reject(reason: RejectReason, count: number, example: string): void {
    const e = this.errors.get(reason);
    if (e) e.count += count;
    else this.errors.set(reason, { count, example });
  }

  summary(): AppendSummary {
    const errors = [...this.errors].map(([reason, e]) => ({ reason, count: e.count, example: e.example }));
    return { accepted: this.accepted, rejected: errors.reduce((n, e) => n + e.count, 0), errors };
  }

  finish(): EncodedBlock {
    return this.block.finish();
  }
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function describe(pairs: [string, string][]): string {
  return `{${pairs.map(([n, v]) => `${n}="${v}"`).join(', ')}}`.slice(0, 200);
}
