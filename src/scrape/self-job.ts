import type { AddressInfo } from 'node:net';
import type { ScrapeJob } from '../config/load.js';

/**
 * Job "allseer": the server's own /metrics on its loopback port (`address` is what the listening
 * socket reports), scraped every `intervalMs` like any target, so its own series are queryable.
 */
export function selfScrapeJob(address: AddressInfo | string | null, intervalMs: number): ScrapeJob {
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    jobName: 'allseer', intervalMs, timeoutMs: Math.min(intervalMs, 10_000), metricsPath: '/metrics', scheme: 'http',
    honorLabels: false, honorTimestamps: true, params: {}, staticConfigs: [{ targets: [`127.0.0.1:${port}`], labels: {} }],
    relabelConfigs: [], metricRelabelConfigs: [],
  };
}
