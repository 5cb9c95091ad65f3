import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { parseBytes, parseMemory } from '../util/bytes.js';
import { parseDuration } from '../util/duration.js';
import { ConfigSchema, type ConfigFile, type KpiConfig, type RelabelConfig } from './schema.js';
import type { EventLimits } from '../ingest/event-checker.js';

/** A scrape job with every default resolved; durations in ms. */
export interface ScrapeJob {
  jobName: string;
  intervalMs: number;
  timeoutMs: number;
  metricsPath: string;
  scheme: 'http' | 'https';
  honorLabels: boolean;
  honorTimestamps: boolean;
  params: Record<string, string[]>;
  staticConfigs: { targets: string[]; labels: Record<string, string> }[];
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
}

/** The validated configuration the composition root works from: sizes in bytes, durations in ms. */
export interface Config {
  server: { host: string; port: number; bodyLimitBytes: number; defaultTenant: string; selfScrapeIntervalMs: number };
  storage: {
    mode: 'embedded' | 'server' | 'cluster';
    dataDir: string;
    url: string;
    username: string;
    password: string;
    database: string;
    cluster: string;
    maxServerMemoryBytes: number;
    maxQueryMemoryBytes: number;
    /** Memory for the in-process copy of the newest samples (embedded); 0 turns it off. */
    recentSamplesBytes: number;
    /** At start, the newest span of stored samples loaded into that copy, ms. */
    recentSamplesPreloadMs: number;
  };
  retention: { metricsMs: number; alertHistoryMs: number; logsMs: number; tracesMs: number; errorsMs: number; eventsMs: number };
  analytics: { maxAgeMs: number; maxPropertiesBytes: number; keys: string[]; kpiIntervalMs: number };
  sentryProjects: { id: string; key: string; name: string }[];
  errors: { scrubFields: string[]; scrubEmails: boolean; severityRules: { match: RegExp; level: string }[]; metricsIntervalMs: number };
  events: EventLimits;
  spanMetricsIntervalMs: number;
  wal: { segmentBytes: number; maxPendingBytes: number };
  batcher: { maxRows: number; maxBytes: number; flushIntervalMs: number };
  ingest: { decodeWorkers: number };
  limits: { maxLabelNameLength: number; maxLabelValueLength: number; maxLabelsPerSeries: number };
  query: { timeoutMs: number; maxSamples: number; maxSeries: number; maxPointsPerSeries: number; lookbackMs: number; subqueryStepMs: number; workers: number };
  logLevel: string;
  scrapeJobs: ScrapeJob[];
  /** Rule file patterns, resolved against the config file's directory. */
  ruleFiles: string[];
  rules: { evaluationIntervalMs: number; externalLabels: Record<string, string> };
  /** KPI thresholds, checked and turned into rules at start (src/rules/kpi.ts). */
  kpis: KpiConfig[];
  /** Alertmanager configuration file ('' = every alert to the receiver `default`). */
  alertmanagerConfigFile: string;
}

/** Thrown when configuration is invalid; `problems` names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const checker = Compile(ConfigSchema);

/** Environment variables and the config path each one overrides. */
const ENV_KEYS: Record<string, string> = {
  PORT: 'server.port',
  HOST: 'server.host',
  SELF_SCRAPE_INTERVAL: 'server.self_scrape_interval',
  DATA_DIR: 'storage.data_dir',
  STORAGE_MODE: 'storage.mode',
  STORAGE_URL: 'storage.url',
  CLICKHOUSE_USER: 'storage.username',
  CLICKHOUSE_PASSWORD: 'storage.password',
  RETENTION: 'retention.metrics',
  LOG_LEVEL: 'log.level',
};
/** Command-line flags and the config path each one overrides. */
const FLAG_KEYS: Record<string, string> = {
  port: 'server.port',
  host: 'server.host',
  'data-dir': 'storage.data_dir',
  'storage-mode': 'storage.mode',
  'storage-url': 'storage.url',
  retention: 'retention.metrics',
  'log-level': 'log.level',
};

export interface LoadOptions {
  argv: string[];
  env: Record<string, string | undefined>;
  /** Reads the config file; injectable for tests. */
  readFile?: (path: string) => string;
}

/**
 * Builds the configuration from, in increasing precedence: defaults, the YAML file named by
 * `--config` or `CONFIG_FILE`, environment variables, then flags. Throws ConfigError naming every
 * unknown or invalid key.
 */
export function loadConfig(opts: LoadOptions): Config {
  const flags = parseFlags(opts.argv);
  const path = flags.config ?? opts.env.CONFIG_FILE;
  let raw: unknown = {};
  if (path) {
    const text = (opts.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
    try {
      raw = parseYaml(text) ?? {};
    } catch (err) {
      throw new ConfigError([`${path}: ${(err as Error).message}`]);
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError([`${path}: the top level must be a mapping`]);
  }
  const doc = raw as Record<string, unknown>;
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = opts.env[name];
    if (value !== undefined && value !== '') setPath(doc, key, value);
  }
  for (const [name, key] of Object.entries(FLAG_KEYS)) {
    const value = flags[name];
    if (value !== undefined) setPath(doc, key, value);
  }
  const urlGiven = flags['storage-url'] !== undefined || !!opts.env.STORAGE_URL;
  const modeGiven = flags['storage-mode'] !== undefined || !!opts.env.STORAGE_MODE;
  if (urlGiven && !modeGiven && getPath(doc, 'storage.mode') === undefined) setPath(doc, 'storage.mode', 'server');
  return validate(doc, path ? dirname(path) : '.');
}

function parseFlags(argv: string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(
    ['config', ...Object.keys(FLAG_KEYS)].map((name) => [name, { type: 'string' as const }]),
  );
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
}

function setPath(doc: Record<string, unknown>, path: string, value: string): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const leaf = parts.at(-1)!;
  node[leaf] = leaf === 'port' && /^\d+$/.test(value) ? Number(value) : value;
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

function validate(doc: Record<string, unknown>, baseDir: string): Config {
  const withDefaults = Value.Default(ConfigSchema, structuredClone(doc));
  const problems: string[] = [];
  for (const e of checker.Errors(withDefaults)) {
    if (e.keyword === 'boolean') continue; // repeated by the additionalProperties entry
    const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    const extra = e.keyword === 'additionalProperties'
      ? `unknown key ${e.params.additionalProperties.map((k) => `"${k}"`).join(', ')}`
      : e.message;
    problems.push(`${where}: ${extra}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolve(withDefaults as ConfigFile, problems, baseDir);
}

function resolve(file: ConfigFile, problems: string[], baseDir: string): Config {
  const dur = (key: string, text: string): number => {
    try {
      return parseDuration(text);
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
      return 0;
    }
  };
  const size = (key: string, v: string | number, parse = parseBytes): number => {
    try {
      return parse(v);
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
      return 0;
    }
  };
  const globalInterval = dur('global.scrape_interval', file.global.scrape_interval);
  const globalTimeout = dur('global.scrape_timeout', file.global.scrape_timeout);
  const jobNames = new Set<string>();
  const scrapeJobs = file.scrape_configs.map((job, i): ScrapeJob => {
    const where = `scrape_configs.${i}`;
    if (jobNames.has(job.job_name)) problems.push(`${where}.job_name: duplicate job name "${job.job_name}"`);
    jobNames.add(job.job_name);
    const intervalMs = job.scrape_interval ? dur(`${where}.scrape_interval`, job.scrape_interval) : globalInterval;
    const timeoutMs = job.scrape_timeout ? dur(`${where}.scrape_timeout`, job.scrape_timeout) : Math.min(globalTimeout, intervalMs);
    if (timeoutMs > intervalMs) problems.push(`${where}.scrape_timeout: must not be greater than scrape_interval`);
    if (intervalMs <= 0) problems.push(`${where}.scrape_interval: must be positive`);
    for (const [j, rc] of [...job.relabel_configs, ...job.metric_relabel_configs].entries()) {
      try {
        new RegExp(`^(?:${rc.regex})$`);
      } catch (err) {
        problems.push(`${where}.relabel_configs.${j}.regex: ${(err as Error).message}`);
      }
      if ((rc.action === 'replace') && rc.target_label === '') problems.push(`${where}.relabel_configs.${j}.target_label: required for action "replace"`);
    }
    return {
      jobName: job.job_name,
      intervalMs,
      timeoutMs,
      metricsPath: job.metrics_path,
      scheme: job.scheme,
      honorLabels: job.honor_labels,
      honorTimestamps: job.honor_timestamps,
      params: job.params,
      staticConfigs: job.static_configs,
      relabelConfigs: job.relabel_configs,
      metricRelabelConfigs: job.metric_relabel_configs,
    };
  });
  const s = file.storage;
  const config: Config = {
    server: {
      host: file.server.host,
      port: file.server.port,
      bodyLimitBytes: size('server.body_limit', file.server.body_limit),
      defaultTenant: file.server.default_tenant,
      selfScrapeIntervalMs: dur('server.self_scrape_interval', file.server.self_scrape_interval),
    },
    storage: {
      mode: s.mode, dataDir: s.data_dir, url: s.url, username: s.username, password: s.password,
      database: s.database, cluster: s.cluster,
      maxServerMemoryBytes: size('storage.max_server_memory', s.max_server_memory, (v) => parseMemory(v, totalmem())),
      maxQueryMemoryBytes: size('storage.max_query_memory', s.max_query_memory),
      recentSamplesBytes: size('storage.recent_samples', s.recent_samples),
      recentSamplesPreloadMs: dur('storage.recent_samples_preload', s.recent_samples_preload),
    },
    retention: {
      metricsMs: dur('retention.metrics', file.retention.metrics),
      alertHistoryMs: dur('retention.alert_history', file.retention.alert_history),
      logsMs: dur('retention.logs', file.retention.logs),
      tracesMs: dur('retention.traces', file.retention.traces),
      errorsMs: dur('retention.errors', file.retention.errors),
      eventsMs: dur('retention.events', file.retention.events),
    },
    analytics: { maxAgeMs: dur('analytics.max_age', file.analytics.max_age), maxPropertiesBytes: size('analytics.max_properties_size', file.analytics.max_properties_size), keys: file.analytics.keys, kpiIntervalMs: dur('analytics.kpi_interval', file.analytics.kpi_interval) },
    sentryProjects: file.errors.projects,
    errors: {
      scrubFields: file.errors.scrub_fields,
      scrubEmails: file.errors.scrub_emails,
      severityRules: file.errors.severity_rules.flatMap((r, i) => {
        try {
          return [{ match: new RegExp(r.match, 'i'), level: r.level }];
        } catch (err) {
          problems.push(`errors.severity_rules.${i}.match: ${(err as Error).message}`);
          return [];
        }
      }),
      metricsIntervalMs: dur('errors.metrics_interval', file.errors.metrics_interval),
    },
    spanMetricsIntervalMs: dur('traces.span_metrics_interval', file.traces.span_metrics_interval),
    events: {
      maxBodyBytes: size('events.max_body_size', file.events.max_body_size),
      maxAttributeBytes: size('events.max_attribute_size', file.events.max_attribute_size),
      maxAgeMs: dur('events.max_age', file.events.max_age),
      maxFutureMs: dur('events.max_future', file.events.max_future),
    },
    wal: {
      segmentBytes: size('wal.segment_size', file.wal.segment_size),
      maxPendingBytes: size('wal.max_pending', file.wal.max_pending),
    },
    batcher: { maxRows: file.batcher.max_rows, maxBytes: size('batcher.max_bytes', file.batcher.max_bytes), flushIntervalMs: dur('batcher.flush_interval', file.batcher.flush_interval) },
    ingest: { decodeWorkers: file.ingest.decode_workers },
    limits: {
      maxLabelNameLength: file.limits.max_label_name_length,
      maxLabelValueLength: file.limits.max_label_value_length,
      maxLabelsPerSeries: file.limits.max_labels_per_series,
    },
    query: {
      timeoutMs: dur('query.timeout', file.query.timeout),
      maxSamples: file.query.max_samples,
      maxSeries: file.query.max_series,
      maxPointsPerSeries: file.query.max_points_per_series,
      lookbackMs: dur('query.lookback_delta', file.query.lookback_delta),
      subqueryStepMs: dur('query.default_subquery_step', file.query.default_subquery_step),
      workers: file.query.workers,
    },
    logLevel: file.log.level,
    scrapeJobs,
    ruleFiles: file.rule_files.map((f) => resolvePath(baseDir, f)),
    kpis: file.kpis,
    alertmanagerConfigFile: file.alertmanager.config_file ? resolvePath(baseDir, file.alertmanager.config_file) : '',
    rules: { evaluationIntervalMs: dur('global.evaluation_interval', file.global.evaluation_interval), externalLabels: file.global.external_labels },
  };
  if (s.mode === 'cluster' && !s.cluster) problems.push('storage.cluster: required when storage.mode is "cluster"');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
