/**
 * The narrow storage interface every query engine and API uses. Nothing outside `src/storage`
 * sees SQL or knows which ClickHouse connection is behind it. Every call is scoped by tenant.
 * Times are Unix milliseconds; ranges are inclusive at both ends.
 */

import type { AlertHistoryStorage } from './alert-history.js';
import type { AiReader, AnalyticsReader } from './analytics.js';
import type { DashboardsStorage } from './dashboards.js';
import type { ErrorsStorage } from './errors.js';
import type { SharedSamples } from './recent/shared-samples.js';
import type { LogsReader, LogStreamsReader } from './logs.js';
import type { TablePayload } from './row-tables.js';
import type { TracesReader } from './traces.js';

export type * from './alert-history.js';
export type * from './analytics.js';
export type * from './dashboards.js';
export type * from './errors.js';
export type * from './logs.js';
export type * from './traces.js';

/** A label set including `__name__`. */
export type Labels = Readonly<Record<string, string>>;

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A Prometheus label matcher. Regexes are fully anchored; `x=""` also matches a missing label. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/** Flag bit on a sample: it is a Prometheus staleness marker (its value is NaN). */
export const STALE_FLAG = 1;

/** One series and its samples in time order. `flags[i] & STALE_FLAG` marks staleness markers. */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly flags: Uint8Array;
}

export interface TimeRange {
  /** Inclusive lower bound, ms. */
  readonly start: number;
  /** Inclusive upper bound, ms. */
  readonly end: number;
}

export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** How a caller uses what `select` yields. */
export interface SelectHints {
  /** Each series is used only until the next one is asked for: storage may reuse its arrays. */
  readonly transient?: boolean;
}

/** Series and their samples in shared memory, in `select`'s order (see MetricsReader.selectShared). */
export interface SharedSelection {
  /** The series; some may have no samples in the range. */
  labels: Labels[];
  /**
   * The samples of series [from, to) in the range, or undefined when memory no longer holds all
   * of them (ingest went on meanwhile): then read with `select`.
   */
  samples(from: number, to: number): SharedSamples | undefined;
}

export interface MetricsReader {
  /**
   * Series matching every matcher that have samples in the range, with those samples, ordered by
   * fingerprint. At least one matcher must select something (an all-empty-matching set is
   * refused by the API before it gets here).
   */
  select(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange, hints?: SelectHints): AsyncIterable<SeriesSamples>;
  /**
   * The series `select` gives, with their samples where worker threads can read them (shared
   * memory), when they are all held in process; undefined otherwise (read with `select`).
   */
  selectShared?(tenant: string, matchers: readonly LabelMatcher[], range: TimeRange): Promise<SharedSelection | undefined>;
  /** Label sets of series matching any of the matcher sets and seen in the range (day precision). */
  series(tenant: string, matcherSets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<Labels[]>;
  /** Sorted label names of matching series (all series when no sets are given). */
  labelNames(tenant: string, matcherSets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]>;
  /** Sorted values of one label over matching series. */
  labelValues(tenant: string, name: string, matcherSets: readonly (readonly LabelMatcher[])[], range: TimeRange, limit: number): Promise<string[]>;
  /** Metadata per metric family name; `metric` narrows to one family. */
  metadata(tenant: string, opts: { metric?: string; limit: number; limitPerMetric: number }): Promise<Map<string, MetricMetadata[]>>;
}

/** The rows of one ingest request, already in storage's row encoding (see block.ts). */
export interface EncodedBlock {
  readonly series: Buffer;
  readonly seriesRows: number;
  readonly samples: Buffer;
  readonly sampleRows: number;
  readonly metadata: Buffer;
  readonly metadataRows: number;
  /** Rows of other tables (logs, spans, …), see row-tables.ts. */
  readonly payloads?: readonly TablePayload[];
}

/** All rows of a block, every table counted. */
export function blockRows(b: EncodedBlock): number {
  let n = b.sampleRows + b.seriesRows + b.metadataRows;
  for (const p of b.payloads ?? []) n += p.rows;
  return n;
}

export interface BlockWriter {
  /**
   * Stores the rows of the blocks as one insert per table. `token` identifies the batch: writing
   * the same rows again with the same token stores nothing twice (used when the WAL is replayed
   * after a crash mid-insert).
   */
  write(blocks: readonly EncodedBlock[], token: string): Promise<void>;
}

export interface StorageHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/** The whole storage module as the composition root sees it. */
export interface MetricsStorage extends MetricsReader, BlockWriter, AlertHistoryStorage, LogsReader, LogStreamsReader, TracesReader, ErrorsStorage, AnalyticsReader, AiReader, DashboardsStorage {
  /** Applies pending schema migrations (idempotent), then fills the in-process copy of recent samples from what is stored. Before any write. */
  migrate(): Promise<void>;
  /** A cheap round trip to the engine. */
  health(): Promise<StorageHealth>;
  /** Bytes ClickHouse's memory tracker counts (embedded: in this process; server: the server's), undefined when it cannot tell. */
  engineMemory(): Promise<number | undefined>;
  /** Size of the in-process copy of the newest samples, and the time it answers from; undefined when off. */
  recentSamples(): { bytes: number; series: number; coveredFrom: number } | undefined;
  /** Runs `OPTIMIZE … FINAL` and returns bytes on disk per stored sample (benchmarks, tests). */
  compactAndMeasure(): Promise<{ samples: number; bytesOnDisk: number }>;
  close(): Promise<void>;
}
