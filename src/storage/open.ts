import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { ChdbConnection } from './clickhouse/connection-chdb.js';
import { ServerConnection } from './clickhouse/connection-server.js';
import { ClickHouseStorage } from './clickhouse/storage.js';
import type { MetricsStorage } from './interface.js';

/** Opens the storage the configuration asks for (not yet migrated). */
export function openStorage(config: Config): MetricsStorage {
  const s = config.storage;
  const conn = s.mode === 'embedded'
    ? new ChdbConnection({
      path: join(s.dataDir, 'chdb'),
      maxServerMemoryBytes: s.maxServerMemoryBytes,
      maxQueryMemoryBytes: s.maxQueryMemoryBytes,
    })
    : new ServerConnection({ url: s.url, username: s.username, password: s.password, maxQueryMemoryBytes: s.maxQueryMemoryBytes });
  return new ClickHouseStorage(conn, {
    database: s.database,
    mode: s.mode,
    cluster: s.cluster,
    metricsRetentionSeconds: Math.round(config.retention.metricsMs / 1000),
    alertHistoryRetentionSeconds: Math.round(config.retention.alertHistoryMs / 1000),
    logsRetentionSeconds: Math.round(config.retention.logsMs / 1000),
    tracesRetentionSeconds: Math.round(config.retention.tracesMs / 1000),
    errorsRetentionSeconds: Math.round(config.retention.errorsMs / 1000),
    eventsRetentionSeconds: Math.round(config.retention.eventsMs / 1000),
  }, { bytes: s.recentSamplesBytes, preloadMs: s.recentSamplesPreloadMs });
}
