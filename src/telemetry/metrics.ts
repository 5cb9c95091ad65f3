import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The server's own Prometheus metrics, served at /metrics. One instance per process, created by
 * the composition root and passed to the stages that record into it.
 */
export function createTelemetry() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'allseer_' });
  const reg = { registers: [registry] };
  return {
    registry,
    ingestedSamples: new Counter({ name: 'allseer_ingested_samples_total', help: 'Samples accepted and made durable, by protocol.', labelNames: ['protocol'], ...reg }),
    rejectedSamples: new Counter({ name: 'allseer_rejected_samples_total', help: 'Samples refused, by protocol and reason.', labelNames: ['protocol', 'reason'], ...reg }),
    ingestedEvents: new Counter({ name: 'allseer_ingested_events_total', help: 'Log records and spans accepted and made durable, by signal (logs, traces).', labelNames: ['signal'], ...reg }),
    rejectedEvents: new Counter({ name: 'allseer_rejected_events_total', help: 'Log records and spans refused (bad ids, times outside the window), by signal.', labelNames: ['signal'], ...reg }),
    ingestRequests: new Counter({ name: 'allseer_ingest_requests_total', help: 'Ingest requests by protocol and HTTP status.', labelNames: ['protocol', 'code'], ...reg }),
    walPendingBytes: new Gauge({ name: 'allseer_wal_pending_bytes', help: 'Bytes in the write-ahead log not yet stored in ClickHouse.', ...reg }),
    walWrittenBytes: new Gauge({ name: 'allseer_wal_written_bytes', help: 'Bytes written to the write-ahead log since start.', ...reg }),
    walSyncs: new Gauge({ name: 'allseer_wal_fsyncs', help: 'Group fsyncs of the write-ahead log since start.', ...reg }),
    batchRows: new Histogram({ name: 'allseer_batch_rows', help: 'Sample rows per ClickHouse insert.', buckets: [100, 1000, 10_000, 50_000, 100_000, 500_000], ...reg }),
    batchSeconds: new Histogram({ name: 'allseer_batch_insert_duration_seconds', help: 'Duration of ClickHouse inserts.', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], ...reg }),
    insertErrors: new Counter({ name: 'allseer_storage_insert_errors_total', help: 'Failed ClickHouse inserts (each is retried).', ...reg }),
    batcherBacklogRows: new Gauge({ name: 'allseer_batcher_backlog_rows', help: 'Durable rows waiting for a ClickHouse insert.', ...reg }),
    recentSamplesBytes: new Gauge({ name: 'allseer_recent_samples_bytes', help: 'Memory of the in-process copy of the newest samples that PromQL reads.', ...reg }),
    recentSamplesSeries: new Gauge({ name: 'allseer_recent_samples_series', help: 'Series in the in-process copy of the newest samples.', ...reg }),
    storageMemory: new Gauge({ name: 'allseer_storage_memory_bytes', help: "Memory ClickHouse's own tracker counts (embedded: in this process, part of its RSS; server: the server's).", ...reg }),
    seriesCache: new Gauge({ name: 'allseer_series_cache_entries', help: 'Series known to the ingest cache.', ...reg }),
    httpDuration: new Histogram({ name: 'allseer_http_request_duration_seconds', help: 'HTTP request durations by route, method and status.', labelNames: ['route', 'method', 'code'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], ...reg }),
    liveClients: new Gauge({ name: 'allseer_live_clients', help: 'Open live dashboard connections (WebSocket).', ...reg }),
    liveEvaluations: new Gauge({ name: 'allseer_live_evaluations', help: 'Distinct widget evaluations the live connections share.', ...reg }),
    scrapes: new Counter({ name: 'allseer_scrapes_total', help: 'Scrapes by job and result.', labelNames: ['job', 'result'], ...reg }),
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;
