import type { Labels, LabelMatcher, TimeRange } from './interface.js';

/** A state change of one alert: `pending`, `firing`, `resolved` (from firing) or `inactive` (a pending alert that went away). */
export interface AlertEvent {
  readonly time: number;
  /** The alerting rule (the alert's `alertname`). */
  readonly rule: string;
  /** The rule group, or '' for alerts received through the Alertmanager API. */
  readonly group: string;
  readonly fingerprint: string;
  readonly labels: Labels;
  readonly state: 'pending' | 'firing' | 'resolved' | 'inactive';
  readonly previous: string;
  readonly value: number;
  /** When the alert became active (this episode), ms. */
  readonly activeAt: number;
  readonly source: 'rule' | 'api';
}

/** One attempt to deliver a notification through one integration of a receiver. */
export interface NotificationAttempt {
  readonly time: number;
  readonly receiver: string;
  /** The integration type (`webhook`, `email`, …) and its index in the receiver, e.g. `webhook/0`. */
  readonly integration: string;
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly fingerprints: readonly string[];
  readonly rules: readonly string[];
  /** `sent`, `failed` (will be retried), `gave_up` (retries exhausted) or `dropped` (superseded or receiver gone). */
  readonly outcome: 'sent' | 'failed' | 'gave_up' | 'dropped';
  readonly error: string;
  readonly attempt: number;
}

export interface AlertEventQuery {
  readonly range: TimeRange;
  readonly rule?: string;
  /** Selectors on the alert's labels: all matchers of one set must match, any set may (none = all alerts). */
  readonly matcherSets: readonly (readonly LabelMatcher[])[];
  readonly limit: number;
}

export interface NotificationQuery {
  readonly range: TimeRange;
  readonly receiver?: string;
  readonly rule?: string;
  readonly outcome?: string;
  readonly limit: number;
}

/** Alerting history: written by the rule engine and the dispatcher, read by the API (newest first). */
export interface AlertHistoryStorage {
  writeAlertEvents(tenant: string, events: readonly AlertEvent[], token: string): Promise<void>;
  writeNotificationAttempts(tenant: string, attempts: readonly NotificationAttempt[], token: string): Promise<void>;
  alertEvents(tenant: string, q: AlertEventQuery): Promise<AlertEvent[]>;
  notificationAttempts(tenant: string, q: NotificationQuery): Promise<NotificationAttempt[]>;
}
