import { Type, type Static } from 'typebox';

/**
 * The configuration file's schema. Every key has a default, so an empty file (or none) gives a
 * working server on embedded storage. Keys are snake_case like Prometheus's own files; unknown
 * keys are errors. Durations are Prometheus duration strings, sizes accept units ("64MiB").
 */
const Duration = (def: string, description: string) => Type.String({ default: def, description });
const Size = (def: string, description: string) =>
  Type.Union([Type.String(), Type.Integer({ minimum: 0 })], { default: def, description });
const strict = { additionalProperties: false, default: {} } as const;

export const RelabelConfigSchema = Type.Object({
  source_labels: Type.Array(Type.String(), { default: [] }),
  separator: Type.String({ default: ';' }),
  regex: Type.String({ default: '(.*)' }),
  target_label: Type.String({ default: '' }),
  replacement: Type.String({ default: '$1' }),
  action: Type.Union([
    Type.Literal('replace'), Type.Literal('keep'), Type.Literal('drop'),
    Type.Literal('labelmap'), Type.Literal('labeldrop'), Type.Literal('labelkeep'),
  ], { default: 'replace' }),
}, { additionalProperties: false });

const Bounds = Type.Object({
  min: Type.Optional(Type.Number({ description: 'alert when the value is below' })),
  max: Type.Optional(Type.Number({ description: 'alert when the value is above' })),
}, { additionalProperties: false });

/** A KPI threshold: a friendly form of alerting rules for people who do not write PromQL rules. */
export const KpiSchema = Type.Object({
  name: Type.String({ description: 'the alert name of the rules made from it' }),
  query: Type.String({ default: '', description: 'PromQL returning an instant vector (a metric name is enough); or give `event`' }),
  event: Type.Optional(Type.Object({
    name: Type.String({ minLength: 1, description: 'a product analytics event' }),
    measure: Type.Union(['count', 'users', 'sum', 'avg'].map((m) => Type.Literal(m)), { default: 'count' }),
    property: Type.Optional(Type.String({ description: 'the numeric property summed or averaged' })),
  }, { additionalProperties: false })),
  unit: Type.String({ default: '', description: 'shown with the values (%, ms, EUR, …)' }),
  period: Duration('1h', 'the aggregation period of the KPI report (event KPIs: 1h, 1d, 7d or 30d)'),
  warning: Type.Optional(Bounds),
  critical: Type.Optional(Bounds),
  for: Duration('0s', 'how long the threshold must be crossed before the alert fires'),
  cooldown: Duration('0s', 'an alert that fires again within this long of its last notification is not notified again'),
  labels: Type.Record(Type.String(), Type.String(), { default: {} }),
  description: Type.String({ default: '' }),
}, { additionalProperties: false });

export const ScrapeConfigSchema = Type.Object({
  job_name: Type.String({ minLength: 1 }),
  scrape_interval: Type.Optional(Type.String()),
  scrape_timeout: Type.Optional(Type.String()),
  metrics_path: Type.String({ default: '/metrics' }),
  scheme: Type.Union([Type.Literal('http'), Type.Literal('https')], { default: 'http' }),
  honor_labels: Type.Boolean({ default: false }),
  honor_timestamps: Type.Boolean({ default: true }),
  params: Type.Record(Type.String(), Type.Array(Type.String()), { default: {} }),
  static_configs: Type.Array(Type.Object({
    targets: Type.Array(Type.String({ minLength: 1 })),
    labels: Type.Record(Type.String(), Type.String(), { default: {} }),
  }, { additionalProperties: false }), { default: [] }),
  relabel_configs: Type.Array(RelabelConfigSchema, { default: [] }),
  metric_relabel_configs: Type.Array(RelabelConfigSchema, { default: [] }),
}, { additionalProperties: false });

export const ConfigSchema = Type.Object({
  server: Type.Object({
    host: Type.String({ default: '0.0.0.0', description: 'address to listen on' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9900, description: 'port for every API and the web app' }),
    body_limit: Size('64MiB', 'largest accepted request body after decompression'),
    default_tenant: Type.String({ default: 'default', pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    self_scrape_interval: Duration('15s', "how often the server stores its own /metrics as job \"allseer\" (the default dashboards read them); 0s turns it off"),
  }, strict),
  storage: Type.Object({
    mode: Type.Union([Type.Literal('embedded'), Type.Literal('server'), Type.Literal('cluster')], { default: 'embedded' }),
    data_dir: Type.String({ default: './data', description: 'chDB data and the write-ahead log live here' }),
    url: Type.String({ default: 'http://127.0.0.1:8123', description: 'ClickHouse HTTP URL (server and cluster modes)' }),
    username: Type.String({ default: 'default' }),
    password: Type.String({ default: '' }),
    database: Type.String({ default: 'allseer', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
    cluster: Type.String({ default: '', description: 'cluster name for ON CLUSTER DDL (cluster mode)' }),
    max_server_memory: Size('25%', 'embedded: chDB max_server_memory_usage (a size, or a share of physical memory)'),
    max_query_memory: Size('512MiB', 'per-query max_memory_usage'),
    recent_samples: Size('256MiB', 'embedded: memory for an in-process, compressed copy of the newest samples, which PromQL reads instead of ClickHouse; 0 turns it off'),
    recent_samples_preload: Duration('3h', 'embedded: at start, the newest samples storage holds over this span are loaded into the in-process copy (if they fit half its memory); 0s loads none'),
  }, strict),
  retention: Type.Object({
    metrics: Duration('30d', 'how long samples are kept (TTL, whole parts dropped)'),
    alert_history: Duration('365d', 'how long alert state changes and notification attempts are kept'),
    logs: Duration('30d', 'how long log records are kept'),
    traces: Duration('30d', 'how long spans are kept'),
    errors: Duration('90d', 'how long error events are kept'),
    events: Duration('730d', 'how long product analytics events are kept'),
  }, strict),
  wal: Type.Object({
    segment_size: Size('64MiB', 'a WAL segment is closed and a new one started past this size'),
    max_pending: Size('256MiB', 'ingest answers 503 with Retry-After when this much is not yet stored'),
  }, strict),
  ingest: Type.Object({
    decode_workers: Type.Integer({ minimum: 0, maximum: 64, default: 1, description: 'worker threads that decode metrics and analytics capture bodies; 0 decodes on the main thread' }),
  }, strict),
  batcher: Type.Object({
    max_rows: Type.Integer({ minimum: 1, default: 400_000, description: 'rows per ClickHouse insert' }),
    max_bytes: Size('16MiB', 'an insert is also full at this many bytes of encoded rows (log and span rows are large)'),
    flush_interval: Duration('1s', 'a partial batch is inserted after this long'),
  }, strict),
  limits: Type.Object({
    max_label_name_length: Type.Integer({ minimum: 1, default: 1024 }),
    max_label_value_length: Type.Integer({ minimum: 1, default: 16_384 }),
    max_labels_per_series: Type.Integer({ minimum: 1, default: 64 }),
  }, strict),
  errors: Type.Object({
    projects: Type.Array(Type.Object({
      id: Type.String({ minLength: 1, description: 'the project id in the DSN path' }),
      key: Type.String({ minLength: 1, description: 'the DSN public key' }),
      name: Type.String({ default: '' }),
    }, { additionalProperties: false }), { default: [], description: 'Sentry projects; empty accepts any project and key' }),
    scrub_fields: Type.Array(Type.String(), { default: ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'authorization', 'cookie', 'session', 'card_number', 'credit_card', 'cvv', 'ssn'], description: 'values of keys containing these (case-insensitive, ignoring - and _) are stored as [Filtered]' }),
    scrub_emails: Type.Boolean({ default: false, description: 'also mask e-mail addresses in event texts (the user block is kept)' }),
    severity_rules: Type.Array(Type.Object({
      match: Type.String({ minLength: 1, description: 'regular expression (case-insensitive) over exception type, value and message' }),
      level: Type.Union(['fatal', 'critical', 'error', 'warning', 'info', 'debug'].map((l) => Type.Literal(l))),
    }, { additionalProperties: false }), {
      default: [
        { match: 'ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|connection (refused|reset|timed out|closed)', level: 'critical' },
        { match: 'unauthori[sz]ed|authentication failed|invalid (token|credentials)|forbidden|EACCES', level: 'critical' },
      ],
      description: 'the first matching rule sets an error event\'s level',
    }),
    metrics_interval: Duration('15s', 'how often errors_total is written as series'),
  }, strict),
  analytics: Type.Object({
    max_age: Duration('365d', 'product analytics events older than this are refused (backfills within it are fine)'),
    max_properties_size: Size('64KiB', 'events whose properties take more JSON bytes are refused'),
    keys: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'accepted PostHog project API keys / Segment write keys; empty accepts any' }),
    kpi_interval: Duration('1m', 'how often event KPIs are computed and written as kpi_value series for their alerting rules'),
  }, strict),
  traces: Type.Object({
    span_metrics_interval: Duration('15s', 'how often the RED metrics counted from spans are written as series'),
  }, strict),
  events: Type.Object({
    max_body_size: Size('256KiB', 'longer log bodies are cut to this size and flagged Truncated'),
    max_attribute_size: Size('16KiB', 'longer attribute values (logs, spans) are cut the same way'),
    max_age: Duration('7d', 'log records and spans older than this are refused'),
    max_future: Duration('1h', 'log records and spans further in the future are refused'),
  }, strict),
  query: Type.Object({
    timeout: Duration('2m', 'longest a PromQL query may run (a request `timeout` may only shorten it)'),
    max_samples: Type.Integer({ minimum: 1, default: 50_000_000, description: 'most raw samples one query may load' }),
    max_series: Type.Integer({ minimum: 1, default: 500_000, description: 'most series one query may load' }),
    max_points_per_series: Type.Integer({ minimum: 1, default: 11_000, description: 'most steps of a range query' }),
    lookback_delta: Duration('5m', 'how far back an instant selector looks for a sample'),
    default_subquery_step: Duration('1m', 'step of subqueries written without one (Prometheus: the evaluation interval)'),
    workers: Type.Integer({ minimum: 0, maximum: 64, default: 1, description: 'worker threads that evaluate parts of heavy aggregations beside the main thread; 0 evaluates on the main thread only' }),
  }, strict),
  log: Type.Object({
    level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  }, strict),
  global: Type.Object({
    scrape_interval: Duration('15s', 'default scrape interval'),
    scrape_timeout: Duration('10s', 'default scrape timeout'),
    evaluation_interval: Duration('1m', 'default interval of rule groups'),
    external_labels: Type.Record(Type.String(), Type.String(), { default: {}, description: 'labels templates see as $externalLabels' }),
  }, strict),
  scrape_configs: Type.Array(ScrapeConfigSchema, { default: [] }),
  kpis: Type.Array(KpiSchema, { default: [] }),
  alertmanager: Type.Object({
    config_file: Type.String({ default: '', description: 'an Alertmanager configuration file (route tree, inhibit rules, receivers); relative to the config file' }),
  }, strict),
  rule_files: Type.Array(Type.String(), { default: [], description: 'Prometheus rule files; relative to the config file, `*` allowed in the file name' }),
}, { additionalProperties: false });

/** The config file as written (after defaults). */
export type ConfigFile = Static<typeof ConfigSchema>;
export type ScrapeConfigFile = Static<typeof ScrapeConfigSchema>;
export type RelabelConfig = Static<typeof RelabelConfigSchema>;
export type KpiConfig = Static<typeof KpiSchema>;
