import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { healthHandlers } from './api/health-handlers.js';
import { ingestHandlers } from './api/ingest-handlers.js';
import { otlpHandlers } from './api/otlp-handlers.js';
import { eventHandlers } from './api/event-handlers.js';
import { lokiHandlers } from './api/loki-handlers.js';
import { jaegerHandlers } from './api/jaeger-handlers.js';
import { errorHandlers } from './api/error-handlers.js';
import { analyticsHandlers } from './api/analytics-handlers.js';
import { dashboardHandlers } from './api/dashboard-handlers.js';
import { liveSessions } from './api/live-socket.js';
import { kpiHandlers } from './api/kpi-handlers.js';
import { kpiQuery, ruleQuery } from './rules/promql-queries.js';
import { CaptureIngest, localCapture } from './ingest/analytics/capture.js';
import { CaptureEncoder, type CaptureLimits } from './ingest/analytics/encode.js';
import { SentryIngest } from './ingest/sentry/sentry-ingest.js';
import { LokiIngest } from './ingest/loki/loki-ingest.js';
import { OtlpIngest } from './ingest/otlp/otlp-ingest.js';
import { SpanMetrics, type SpanMetricSamples } from './traces/span-metrics.js';
import { ErrorMetrics } from './errors/error-metrics.js';
import { RegressionWatch } from './errors/regressions.js';
import { eventKpiSamples } from './analytics/kpi-writer.js';
import { queryHandlers } from './api/query-handlers.js';
import { readHandlers } from './api/read-handlers.js';
import { routes } from './api/routes.js';
import { buildServer } from './api/server.js';
import { Batcher } from './batcher/batcher.js';
import { ConfigError, loadConfig, type Config } from './config/load.js';
import { Decoder } from './ingest/decode.js';
import { MetricsIngest, type Decoding } from './ingest/metrics-ingest.js';
import { DecodePool } from './ingest/worker/decode-pool.js';
import { QueryWorkers } from './promql/parallel/query-workers.js';
import { SeriesCache } from './ingest/series-cache.js';
import { IngestSink } from './ingest/sink.js';
import { kpiGroup } from './rules/kpi.js';
import { KpiThresholds } from './rules/kpi-thresholds.js';
import { loadRuleFiles } from './rules/load.js';
import type { RuleGroup } from './rules/rule-file.js';
import { RuleManager } from './rules/manager.js';
import { ruleHandlers } from './api/rule-handlers.js';
import { alertmanagerHandlers } from './api/alertmanager-handlers.js';
import { AlertStore, fingerprint, SilenceStore } from './alertmanager/store.js';
import { AckStore } from './alertmanager/acks.js';
import { HistoryWriter } from './alertmanager/history.js';
import { alertingHandlers } from './api/alerting-handlers.js';
import { Dispatcher } from './alertmanager/dispatch.js';
import { loadAmConfigFile, type AmConfig } from './alertmanager/config.js';
import { ScrapeManager } from './scrape/manager.js';
import { selfScrapeJob } from './scrape/self-job.js';
import { every } from './util/periodic.js';
import type { MetricsStorage } from './storage/interface.js';
import { openStorage } from './storage/open.js';
import { createLogger } from './telemetry/logger.js';
import { createTelemetry } from './telemetry/metrics.js';
import { Wal, type WalEntry } from './wal/wal.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A running server: its address, how to reload its rule files and how to stop it. */
export interface Running {
  address: string;
  /** Reads the rule files again; throws ConfigError (keeping the running rules) if one is invalid. */
  reload: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The composition root: opens storage, replays the WAL, wires ingest → WAL → batcher → storage,
 * builds the route table, starts scraping and listens. The only place stages meet.
 */
export async function start(config: Config, log: Logger): Promise<Running> {
  // Rule files and KPI thresholds first: a broken one stops start-up before anything is opened.
  const thresholds = new KpiThresholds({ file: join(config.storage.dataDir, 'kpis', 'thresholds.json'), base: config.kpis });
  const loadRules = (): RuleGroup[] => {
    const files = loadRuleFiles(config.ruleFiles);
    const kpis = kpiGroup(thresholds.kpis());
    if (files.errors.length + kpis.errors.length > 0) throw new ConfigError([...files.errors, ...kpis.errors]);
    return kpis.group ? [...files.groups, kpis.group] : files.groups;
  };
  const loadAmConfig = (): AmConfig => {
    const parsed = loadAmConfigFile(config.alertmanagerConfigFile);
    if (!parsed.config) throw new ConfigError(parsed.errors);
    return parsed.config;
  };
  let amConfig = loadAmConfig();
  const ruleGroups = loadRules();
  if (ruleGroups.length > 0) log.info({ groups: ruleGroups.length, files: config.ruleFiles, kpis: config.kpis.length }, 'rule files loaded');
  const telemetry = createTelemetry();
  const now = () => Date.now();
  const storage: MetricsStorage = openStorage(config);
  await storage.migrate();

  // The WAL hands durable entries to the batcher, which needs the WAL for its checkpoints.
  let deliver: (entries: WalEntry[]) => void = () => { throw new Error('WAL append before the batcher was wired'); };
  const wal = new Wal({
    dir: join(config.storage.dataDir, 'wal'),
    segmentBytes: config.wal.segmentBytes,
    onDurable: (entries) => { deliver(entries); },
    warn: (msg) => { log.warn(msg); },
  });
  const batcher = new Batcher({
    storage,
    log: wal,
    maxRows: config.batcher.maxRows,
    maxBytes: config.batcher.maxBytes,
    flushIntervalMs: config.batcher.flushIntervalMs,
    onInsert: (rows, seconds) => {
      telemetry.batchRows.observe(rows);
      telemetry.batchSeconds.observe(seconds);
    },
    onError: (err, attempt) => {
      telemetry.insertErrors.inc();
      log.error({ err: err.message, attempt }, 'storage insert failed; retrying');
    },
  });
  const replay = wal.replay();
  if (replay.intent) await batcher.recover(replay.intent);
  batcher.add(replay.pending);
  deliver = (entries) => { batcher.add(entries); };
  await wal.open();
  log.info({ pendingRecords: replay.pending.length + (replay.intent?.entries.length ?? 0) }, 'write-ahead log replayed');

  const cache = new SeriesCache();
  const sink = new IngestSink({ log: wal, maxPendingBytes: config.wal.maxPendingBytes, storageFailing: () => batcher.failures >= 3 });
  const captureLimits: CaptureLimits = {
    bodyLimitBytes: config.server.bodyLimitBytes,
    maxAgeMs: config.analytics.maxAgeMs,
    maxFutureMs: config.events.maxFutureMs,
    maxPropertiesBytes: config.analytics.maxPropertiesBytes,
    keys: config.analytics.keys,
    scrub: { fields: config.errors.scrubFields, emails: config.errors.scrubEmails },
  };
  const pool = config.ingest.decodeWorkers > 0
    ? new DecodePool({ workers: config.ingest.decodeWorkers, limits: config.limits, bodyLimitBytes: config.server.bodyLimitBytes, capture: captureLimits, onError: (err) => { log.error({ err: err.message }, 'decode worker failed'); } })
    : undefined;
  const decoding: Decoding = pool ?? new Decoder(cache, config.limits, config.server.bodyLimitBytes);
  const queryWorkers = config.query.workers > 0 ? new QueryWorkers(config.query.workers, (err) => { log.error({ err: err.message }, 'query worker failed'); }) : undefined;
  const ingest = new MetricsIngest({
    sink,
    decoding,
    cache,
    limits: config.limits,
    now,
    record: (protocol, s) => {
      telemetry.ingestedSamples.inc({ protocol }, s.accepted);
      for (const e of s.errors) telemetry.rejectedSamples.inc({ protocol, reason: e.reason }, e.count);
    },
  });
  const tenant = config.server.defaultTenant;
  const history = new HistoryWriter(storage, tenant, (err) => { log.warn({ err: err.message }, 'alert history write failed; retrying'); });
  /** Counts accepted and refused log records, spans, error and analytics events per signal. */
  const countEvents = (signal: string) => (accepted: number, rejected: number) => {
    telemetry.ingestedEvents.inc({ signal }, accepted);
    if (rejected > 0) telemetry.rejectedEvents.inc({ signal }, rejected);
  };
  const spanMetrics = new SpanMetrics();
  const errorMetrics = new ErrorMetrics();
  const regressions = new RegressionWatch();
  for (const i of await storage.issues(tenant, { range: { start: 0, end: now() }, status: 'resolved', sort: 'last_seen', limit: 100_000 })) {
    regressions.status(tenant, i.project, i.fingerprint, 'resolved', now());
  }
  /** Writes cumulative counters (span and error metrics, KPI values) as samples at the current time. */
  const writeCounters = async (protocol: 'span_metrics' | 'error_metrics' | 'kpi', sets: SpanMetricSamples) => {
    const t = now();
    for (const [tenant, samples] of sets) {
      const session = ingest.session(tenant);
      for (const s of samples) {
        const state = session.series(`counters\u0002${JSON.stringify(s.labels)}`, () => s.labels, 1);
        if (state) session.sample(state, t, s.value, false);
      }
      await ingest.commit(protocol, session);
    }
  };
  const otlp = new OtlpIngest({
    sink,
    metrics: ingest,
    onSpans: (tenant, spans) => { spanMetrics.observe(tenant, spans); },
    limits: config.events,
    bodyLimitBytes: config.server.bodyLimitBytes,
    now,
    record: (signal, accepted, rejected) => { countEvents(signal)(accepted, rejected); },
  });
  const lokiIngest = new LokiIngest({
    sink,
    limits: config.events,
    bodyLimitBytes: config.server.bodyLimitBytes,
    now,
    record: countEvents('logs'),
  });
  const sentry = new SentryIngest({
    sink,
    scrub: { fields: config.errors.scrubFields, emails: config.errors.scrubEmails },
    severityRules: config.errors.severityRules,
    onEvents: (tenant, project, events) => {
      errorMetrics.observe(tenant, project, events);
      regressions.observe(tenant, project, events);
    },
    projects: config.sentryProjects,
    bodyLimitBytes: config.server.bodyLimitBytes,
    maxAgeMs: config.events.maxAgeMs,
    maxFutureMs: config.events.maxFutureMs,
    now,
    record: countEvents('errors'),
  });
  const capture = new CaptureIngest({
    sink,
    encoding: pool ?? localCapture(new CaptureEncoder(captureLimits)),
    now,
    record: countEvents('analytics'),
  });
  const amAlerts = new AlertStore((c) => {
    history.event({ time: c.at, rule: c.alert.labels.alertname ?? '', group: '', fingerprint: c.fingerprint, labels: c.alert.labels, state: c.state, previous: c.state === 'firing' ? 'inactive' : 'firing', value: Number.NaN, activeAt: c.alert.startsAt, source: 'api' });
  });
  const amDir = join(config.storage.dataDir, 'alertmanager');
  const silences = new SilenceStore(join(amDir, 'silences.json'));
  const acks = new AckStore(join(amDir, 'acks.json'));
  const externalURL = `http://${config.server.host}:${config.server.port}`;
  const dispatcher = new Dispatcher({
    alerts: amAlerts,
    silences,
    acks,
    config: () => amConfig,
    externalURL,
    onError: (receiver, err) => { log.warn({ receiver, err: err.message }, 'notification failed; retrying'); },
    record: (a) => { history.attempt(a); },
    stateDir: amDir,
  });
  const rules = new RuleManager(ruleGroups, {
    notify: (alerts) => { for (const a of alerts) amAlerts.put({ ...a, updatedAt: now(), generatorURL: '' }); },
    onStateChange: (changes) => {
      for (const c of changes) history.event({ time: c.at, rule: c.rule, group: c.group, fingerprint: fingerprint(c.labels), labels: c.labels, state: c.state, previous: c.previous, value: c.value, activeAt: c.activeAt, source: 'rule' });
    },
    tenant,
    query: ruleQuery(storage, config, queryWorkers),
    ingest,
    externalLabels: config.rules.externalLabels,
    externalURL,
    defaultIntervalMs: config.rules.evaluationIntervalMs,
    // Alerts active before a restart are looked for this far back (Prometheus's outage tolerance).
    restoreWindowMs: 3_600_000,
    now,
    onError: (group, err) => { log.error({ group, err: err.message }, 'rule group evaluation failed'); },
  });
  const scraper = new ScrapeManager({
    jobs: config.scrapeJobs,
    tenant: config.server.defaultTenant,
    ingest,
    bodyLimitBytes: config.server.bodyLimitBytes,
    now,
    onResult: (job, ok, error) => {
      telemetry.scrapes.inc({ job, result: ok ? 'success' : 'failure' });
      if (!ok) log.warn({ job, error }, 'scrape failed');
    },
  });

  const reload = async () => {
    const groups = loadRules();
    amConfig = loadAmConfig();
    await rules.reload(groups);
    log.info({ groups: groups.length }, 'rule files reloaded');
  };

  let ready = false;
  const refreshGauges = () => {
    telemetry.walPendingBytes.set(wal.pendingBytes);
    telemetry.walWrittenBytes.set(wal.bytesWritten);
    telemetry.walSyncs.set(wal.syncs);
    telemetry.batcherBacklogRows.set(batcher.backlogRows);
    telemetry.seriesCache.set(cache.size);
    const recent = storage.recentSamples();
    telemetry.recentSamplesBytes.set(recent?.bytes ?? 0);
    telemetry.recentSamplesSeries.set(recent?.series ?? 0);
  };
  const health = healthHandlers({
    storage: () => storage.health(),
    wal: () => Promise.resolve(wal.pendingBytes > config.wal.maxPendingBytes
      ? { ok: false, detail: `${wal.pendingBytes} bytes not yet stored (limit ${config.wal.maxPendingBytes})` }
      : { ok: true, detail: `${wal.pendingBytes} bytes pending` }),
    batcher: () => Promise.resolve(batcher.failures > 0
      ? { ok: false, detail: `${batcher.failures} failed insert(s): ${batcher.lastError}` }
      : { ok: true, detail: `${batcher.backlogRows} rows queued` }),
  }, () => ready, telemetry.registry);
  const dashboards = dashboardHandlers({ store: storage, now });
  await dashboards.seed(config.server.defaultTenant);
  const app: FastifyInstance = buildServer({
    routes: routes({
      ingest: ingestHandlers(ingest),
      otlp: otlpHandlers(otlp),
      events: eventHandlers({ logs: storage, traces: storage, now }),
      loki: lokiHandlers({ ingest: lokiIngest, streams: storage, now }),
      jaeger: jaegerHandlers({ traces: storage, now }),
      errors: errorHandlers({ ingest: sentry, errors: storage, now, onStatus: (...a) => { regressions.status(...a); } }),
      analytics: analyticsHandlers({ capture, analytics: storage, now }),
      kpis: kpiHandlers({
        kpis: () => thresholds.kpis(), query: kpiQuery(storage, config, queryWorkers), analytics: storage, now,
        setThresholds: async (name, change) => { thresholds.set(name, change); await rules.reload(loadRules()); },
      }),
      read: readHandlers(storage, { version: VERSION, revision: '' }, now),
      query: queryHandlers(storage, { ...config.query, ...(queryWorkers ? { workerPool: queryWorkers } : {}) }, now),
      health: {
        ...health,
        metrics: async () => {
          refreshGauges();
          const engine = await storage.engineMemory();
          if (engine !== undefined) telemetry.storageMemory.set(engine);
          return health.metrics();
        },
      },
      rules: ruleHandlers(rules, reload),
      alertmanager: alertmanagerHandlers(amAlerts, silences, { now, version: VERSION, startedAt: now(), config: () => amConfig }),
      alerting: alertingHandlers({ history: storage, alerts: amAlerts, acks, now }),
      dashboards,
      targets: () => scraper.targets(),
      admit: () => { sink.admit(); },
    }),
    bodyLimitBytes: config.server.bodyLimitBytes,
    defaultTenant: config.server.defaultTenant,
    logger: log,
    webRoot: fileURLToPath(new URL('../dist/web/', import.meta.url)),
    live: liveSessions({ app: () => app, store: storage, now, onCount: (n, e) => { telemetry.liveClients.set(n); telemetry.liveEvaluations.set(e); } }),
    observe: (route, method, code, seconds) => { telemetry.httpDuration.observe({ route, method, code: String(code) }, seconds); },
  });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  if (config.server.selfScrapeIntervalMs > 0) scraper.addJob(selfScrapeJob(app.server.address(), config.server.selfScrapeIntervalMs));
  scraper.start();
  rules.start();
  const warn = (what: string) => (err: Error) => { log.warn({ err: err.message }, what); };
  const periodic = [
    every(1000, async () => {
      await dispatcher.tick(now());
      await history.flush();
    }, (err) => { log.error({ err: err.message }, 'dispatch failed'); }),
    // Event KPIs: their current value as a series, for the KPI alerting rules.
    every(config.analytics.kpiIntervalMs, async () => {
      const samples = await eventKpiSamples(storage, tenant, thresholds.kpis(), now());
      if (samples.length > 0) await writeCounters('kpi', new Map([[tenant, samples]]));
    }, warn('event KPI values not written')),
    every(config.errors.metricsIntervalMs, async () => {
      await writeCounters('error_metrics', errorMetrics.samples());
      await writeCounters('error_metrics', regressions.samples());
    }, warn('error metrics not written')),
    every(config.spanMetricsIntervalMs, () => writeCounters('span_metrics', spanMetrics.samples()), warn('span metrics not written')),
  ];
  ready = true;
  log.info({ address, storage: config.storage.mode, dataDir: config.storage.dataDir }, 'allseer listening');

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    ready = false;
    log.info('shutting down: closing listener, flushing the WAL into storage');
    await app.close();
    await scraper.stop();
    await rules.stop();
    for (const p of periodic) await p.stop();
    await history.flush();
    await wal.close();
    await pool?.close();
    await queryWorkers?.close();
    await batcher.flushAndStop();
    await storage.close();
    log.info('stopped');
  })());
  return { address, stop, reload };
}

async function main(): Promise<void> {
  let log: Logger;
  let running: Running;
  try {
    const config = loadConfig({ argv: process.argv.slice(2), env: process.env });
    log = createLogger(config.logLevel);
    running = await start(config, log);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`allseer: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.on('SIGHUP', () => {
    running.reload().catch((err: unknown) => { log.error({ err: (err as Error).message }, 'rule reload failed; the running rules are kept'); });
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'signal received');
      running.stop().then(() => process.exit(0), (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`allseer: failed to start: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
