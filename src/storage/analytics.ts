import type { TimeRange } from './interface.js';

/** A condition on an event property (nested keys joined with `.`). */
export interface PropertyFilter {
  readonly key: string;
  readonly op: '=' | '!=' | '=~' | '!~' | '>' | '>=' | '<' | '<=' | 'exists';
  readonly value: string;
}

export type Interval = 'hour' | 'day' | 'week' | 'month';

export interface TrendQuery {
  readonly event: string;
  readonly range: TimeRange;
  readonly interval: Interval;
  /** Events, unique people, or the sum / average of a numeric `property`. */
  readonly measure: 'count' | 'users' | 'sum' | 'avg';
  readonly property?: string;
  readonly breakdown?: string;
  readonly filters: readonly PropertyFilter[];
}

export interface FunnelQuery {
  readonly steps: readonly { event: string; filters: readonly PropertyFilter[] }[];
  readonly range: TimeRange;
  /** Each person must complete the steps, in order, within this long of the first. */
  readonly windowMs: number;
  /** A property of the first step's event to split by. */
  readonly breakdown?: string;
}

export interface FunnelResult {
  readonly breakdown: string;
  /** People who reached each step (in order, within the window). */
  readonly counts: readonly number[];
  /** Median time from the first step to the last for people who completed the funnel, ms. */
  readonly medianConversionMs: number | null;
}

export interface RetentionQuery {
  /** The event that puts a person into the cohort of its period (their first in the range). */
  readonly startEvent: string;
  /** The event that counts as coming back. */
  readonly returnEvent: string;
  readonly period: 'day' | 'week' | 'month';
  readonly periods: number;
  /** Cohorts are formed from start events in this range. */
  readonly range: TimeRange;
}

/** One event of a person's journey; `session` numbers the person's sessions from 1. */
export interface JourneyStep {
  readonly time: number;
  readonly event: string;
  readonly session: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface AnalyticsReader {
  /** A person's events in time order (all their merged ids), sessions split after 30 minutes without an event (or by session id). */
  journey(tenant: string, distinctId: string, range: TimeRange, limit: number): Promise<JourneyStep[]>;
  /** The most common sequences of `steps` events right after (or before) each person's first `event` in the range. */
  paths(tenant: string, q: { event: string; direction: 'after' | 'before'; steps: number; range: TimeRange; limit: number }): Promise<{ path: string[]; people: number }[]>;
  /** Per event: uses, unique people, and the share of the range's active people who used it. */
  features(tenant: string, events: readonly string[], range: TimeRange): Promise<{ event: string; uses: number; users: number; adoption: number }[]>;
  /** How many people did the event on 1, 2, … distinct days (or weeks) of the range. */
  stickiness(tenant: string, event: string, interval: 'day' | 'week', range: TimeRange): Promise<{ periods: number; people: number }[]>;
  /** One value per interval start (ms) and breakdown value ('' without breakdown). */
  trend(tenant: string, q: TrendQuery): Promise<{ time: number; breakdown: string; value: number }[]>;
  funnel(tenant: string, q: FunnelQuery): Promise<FunnelResult[]>;
  /** Per cohort (period start, ms): its size and how many of it did the return event in period 0, 1, … */
  retention(tenant: string, q: RetentionQuery): Promise<{ cohort: number; size: number; returned: number[] }[]>;
}

/** Model inference figures over a range (from `$ai_generation` events and GenAI spans). Latencies in seconds. */
export interface ModelStats {
  readonly model: string;
  readonly calls: number;
  readonly errors: number;
  readonly successRate: number;
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Agent run figures over a range (from `agent_start` / `agent_complete` / `agent_error` events and `invoke_agent` spans). */
export interface AgentStats {
  readonly agent: string;
  readonly started: number;
  readonly completed: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly duration: { readonly p50: number; readonly p95: number; readonly p99: number };
}

export interface AiReader {
  aiModels(tenant: string, range: TimeRange): Promise<ModelStats[]>;
  aiAgents(tenant: string, range: TimeRange): Promise<AgentStats[]>;
}
