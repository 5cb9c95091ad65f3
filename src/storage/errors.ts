import type { TimeRange } from './interface.js';

/** An issue: the error events of one fingerprint in one project. Times in ms. */
export interface IssueSummary {
  readonly project: string;
  readonly fingerprint: string;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  readonly users: number;
  readonly releases: readonly string[];
  readonly environments: readonly string[];
  /** `unresolved`, `resolved` or `ignored`; a resolved issue with later events is `unresolved` and `regressed`. */
  readonly status: 'unresolved' | 'resolved' | 'ignored';
  readonly regressed: boolean;
}

export interface IssueQuery {
  readonly range: TimeRange;
  readonly project?: string;
  readonly fingerprint?: string;
  readonly status?: 'unresolved' | 'resolved' | 'ignored';
  readonly level?: string;
  readonly environment?: string;
  readonly release?: string;
  /** Words in the title, culprit or message (case-insensitive substring). */
  readonly text?: string;
  readonly sort: 'last_seen' | 'count' | 'users' | 'first_seen';
  readonly limit: number;
}

/** One stored error event; `event` is the whole event as received (stack traces, breadcrumbs, contexts). */
export interface ErrorEventRecord {
  readonly project: string;
  readonly fingerprint: string;
  readonly eventId: string;
  readonly time: number;
  readonly title: string;
  readonly level: string;
  readonly release: string;
  readonly environment: string;
  readonly user: { readonly id: string; readonly email: string; readonly ip: string; readonly name: string };
  readonly tags: Readonly<Record<string, string>>;
  readonly event: unknown;
}

export interface ErrorsStorage {
  issues(tenant: string, q: IssueQuery): Promise<IssueSummary[]>;
  /** Newest first. */
  issueEvents(tenant: string, project: string, fingerprint: string, limit: number): Promise<ErrorEventRecord[]>;
  /** Events per `stepMs` bucket (bucket start, ms). */
  issueCounts(tenant: string, project: string, fingerprint: string, range: TimeRange, stepMs: number): Promise<{ time: number; count: number }[]>;
  setIssueStatus(tenant: string, project: string, fingerprint: string, status: 'unresolved' | 'resolved' | 'ignored', release: string, at: number): Promise<void>;
}
