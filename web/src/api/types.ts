// Response types of the server's APIs, as the web app reads them. Times in the Prometheus API are
// float seconds; log and span times are nanoseconds as decimal strings.

/** The envelope every `/api/v1/*` answer comes in. */
export interface Envelope<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
  warnings?: string[];
  infos?: string[];
}

export type SampleValue = [number, string];
export interface MatrixSeries { metric: Record<string, string>; values: SampleValue[] }
export interface VectorSample { metric: Record<string, string>; value: SampleValue }
export type QueryData =
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'scalar'; result: SampleValue }
  | { resultType: 'string'; result: SampleValue };

export interface LogRecord {
  timeUnixNano: string;
  traceId: string;
  spanId: string;
  severityText: string;
  severityNumber: number;
  serviceName: string;
  body: string;
  resourceAttributes: Record<string, string>;
  scopeName: string;
  logAttributes: Record<string, string>;
  truncated: boolean;
}
export interface LogsPage { records: LogRecord[]; nextCursor: string | null }
export interface LogHistogram { step: number; buckets: { time: number; key: string; count: number }[] }
export interface FacetValue { value: string; count: number }

export interface TraceSummary {
  traceId: string;
  startTimeUnixNano: string;
  durationNano: string;
  spanCount: number;
  errorCount: number;
  services: string[];
  rootService: string;
  rootName: string;
}

export interface WaterfallSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  serviceName: string;
  startTimeUnixNano: string;
  durationNano: string;
  statusCode: string;
  statusMessage: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: { timeUnixNano: string; name: string; attributes: Record<string, string> }[];
  offsetNano: string;
  depth: number;
  children: string[];
  critical: boolean;
  orphan: boolean;
}
export interface Waterfall { traceId: string; startTimeUnixNano: string; durationNano: string; services: string[]; spans: WaterfallSpan[] }
export interface Dependency { parent: string; child: string; callCount: number }

export type IssueStatus = 'unresolved' | 'resolved' | 'ignored';
export interface IssueSummary {
  project: string;
  fingerprint: string;
  title: string;
  culprit: string;
  level: string;
  /** Unix ms. */
  firstSeen: number;
  lastSeen: number;
  count: number;
  users: number;
  releases: string[];
  environments: string[];
  status: IssueStatus;
  regressed: boolean;
}
export interface ErrorEventRecord {
  project: string;
  fingerprint: string;
  eventId: string;
  time: number;
  title: string;
  level: string;
  release: string;
  environment: string;
  user: { id: string; email: string; ip: string; name: string };
  tags: Record<string, string>;
  event: SentryEvent;
}
export interface IssueDetail extends IssueSummary { latestEvent: ErrorEventRecord | null }

/** The parts of a stored Sentry event the pages show; everything is optional as SDKs differ. */
export interface SentryFrame {
  filename?: string;
  abs_path?: string;
  module?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
  context_line?: string;
  pre_context?: string[];
  post_context?: string[];
}
export interface SentryException { type?: string; value?: string; stacktrace?: { frames?: SentryFrame[] } }
export interface SentryBreadcrumb { timestamp?: number | string; category?: string; message?: string; level?: string; type?: string }
export interface SentryEvent {
  message?: string | { formatted?: string; message?: string };
  exception?: { values?: SentryException[] };
  breadcrumbs?: { values?: SentryBreadcrumb[] } | SentryBreadcrumb[];
  contexts?: Record<string, Record<string, unknown>>;
  request?: { url?: string; method?: string };
}

/** An alert as the Alertmanager API v2 lists it. */
export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
  receivers: { name: string }[];
}
export interface Matcher { name: string; value: string; isRegex: boolean; isEqual?: boolean }
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'pending' | 'active' | 'expired' };
}
export interface RuleAlert { labels: Record<string, string>; annotations: Record<string, string>; state: string; activeAt?: string; value: string }
export interface Rule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: string;
  lastError?: string;
  state?: 'inactive' | 'pending' | 'firing';
  duration?: number;
  annotations?: Record<string, string>;
  alerts?: RuleAlert[];
}
export interface RuleGroup { name: string; file: string; interval: number; rules: Rule[] }
export interface AlertEvent { time: number; rule: string; group: string; fingerprint: string; labels: Record<string, string>; state: string; previous: string; value: number | null; source: string }
export interface NotificationAttempt { time: number; receiver: string; integration: string; status: string; rules: string[]; outcome: string; error: string; attempt: number }
export interface AckedAlert { fingerprint: string; labels: Record<string, string>; acknowledgement: { by: string; comment: string; at: number } | null }
export interface Bounds { min?: number; max?: number }
/** One KPI of `/api/v1/kpis`: values per period (oldest first), the current value and its threshold status. */
export interface KpiReport {
  name: string;
  description?: string;
  unit: string;
  period: string;
  thresholds: { warning: Bounds | null; critical: Bounds | null };
  current: number | null;
  status: 'ok' | 'warning' | 'critical' | 'unknown';
  trend: number | null;
  values: { time: number; value: number | null }[];
}

export interface TrendPoint { time: number; breakdown: string; value: number }
export interface FunnelStepResult { event: string; count: number; conversion: number; fromPrevious: number; dropOff: number }
export interface FunnelBreakdown { breakdown: string; medianSecondsToConvert: number | null; steps: FunnelStepResult[] }
export interface RetentionCohort { cohort: number; size: number; returned: number[]; rates: number[] }
export interface JourneyStep { time: number; event: string; session: number; properties: Record<string, unknown> }
export interface PathCount { path: string[]; people: number }

export type WidgetType = 'stat' | 'timeseries' | 'bar' | 'table' | 'gauge' | 'funnel' | 'logs' | 'text';
export type WidgetQuery =
  | { kind: 'promql'; expr: string; legend?: string }
  | { kind: 'logs'; q?: string; service?: string; severity?: string; limit?: number }
  | { kind: 'analytics'; event?: string; measure?: 'count' | 'users' | 'sum' | 'avg' | 'active'; property?: string; breakdown?: string; interval?: 'hour' | 'day' | 'week' | 'month' }
  | { kind: 'funnel'; steps: string[]; window?: string };
export interface Threshold { value: number; color: string }
export interface Widget {
  id: string;
  type: WidgetType;
  title: string;
  layout: { x: number; y: number; w: number; h: number };
  query?: WidgetQuery;
  text?: string;
  refresh?: string;
  thresholds?: Threshold[];
  unit?: string;
  min?: number;
  max?: number;
}
export interface DashboardSpec {
  title: string;
  description?: string;
  tags?: string[];
  time?: { from: string; to: string };
  refresh?: string;
  variables?: { name: string; label: string; match?: string; default?: string }[];
  widgets: Widget[];
}
export interface DashboardSummary { id: string; version: number; title: string; updatedAt: number; deleted: boolean }
export interface DashboardDoc extends DashboardSummary { dashboard: DashboardSpec }
