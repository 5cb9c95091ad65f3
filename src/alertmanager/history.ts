import { randomUUID } from 'node:crypto';
import type { AlertEvent, AlertHistoryStorage, NotificationAttempt } from '../storage/interface.js';

/** Rows kept in memory at most while storage is failing; older ones are dropped first. */
const MAX_BUFFERED = 100_000;

/**
 * Buffers alert state changes and notification attempts and writes them to storage in batches
 * (`flush()`, called every second by the server and at shutdown). A failed write keeps the rows
 * and is retried with the same dedup token, so nothing is stored twice.
 */
export class HistoryWriter {
  private events: AlertEvent[] = [];
  private attempts: NotificationAttempt[] = [];
  private inFlight: { events: AlertEvent[]; attempts: NotificationAttempt[]; token: string } | undefined;
  dropped = 0;

  constructor(private readonly storage: AlertHistoryStorage, private readonly tenant: string, private readonly onError: (err: Error) => void) {}

  event(e: AlertEvent): void {
    this.events.push(e);
    this.bound();
  }

  attempt(a: NotificationAttempt): void {
    this.attempts.push(a);
    this.bound();
  }

  private bound(): void {
    const over = this.events.length + this.attempts.length - MAX_BUFFERED;
    if (over <= 0) return;
    this.dropped += over;
    const fromEvents = Math.min(over, this.events.length);
    this.events.splice(0, fromEvents);
    this.attempts.splice(0, over - fromEvents);
  }

  async flush(): Promise<void> {
    if (!this.inFlight) {
      if (this.events.length + this.attempts.length === 0) return;
      this.inFlight = { events: this.events, attempts: this.attempts, token: randomUUID() };
      this.events = [];
      this.attempts = [];
    }
    const batch = this.inFlight;
    try {
      await this.storage.writeAlertEvents(this.tenant, batch.events, batch.token);
      await this.storage.writeNotificationAttempts(this.tenant, batch.attempts, batch.token);
      this.inFlight = undefined;
    } catch (err) {
      this.onError(err as Error);
    }
  }
}

/** Reliability of one alerting rule over a time range. */
export interface Reliability {
  rule: string;
  /** Firing episodes that started in the range. */
  incidents: number;
  /** Of those, the ones that resolved. */
  resolved: number;
  /** Mean time from firing to resolved, over resolved episodes; null without any. */
  mttrSeconds: number | null;
  /** Mean time from an episode's resolution to the same alert firing again; null without any. */
  mtbfSeconds: number | null;
}

/**
 * MTTR and MTBF per rule from `firing` and `resolved` events (any order): an episode runs from a
 * firing event to the next resolved event of the same alert (fingerprint); MTBF averages the
 * gaps between one episode's resolution and the next episode of the same alert.
 */
export function reliability(events: readonly AlertEvent[]): Reliability[] {
  const byAlert = new Map<string, AlertEvent[]>();
  for (const e of events) {
    if (e.state !== 'firing' && e.state !== 'resolved') continue;
    const key = `${e.rule}\u0000${e.fingerprint}`;
    const list = byAlert.get(key);
    if (list) list.push(e);
    else byAlert.set(key, [e]);
  }
  const rules = new Map<string, { incidents: number; repairs: number[]; gaps: number[] }>();
  for (const list of byAlert.values()) {
    list.sort((a, b) => a.time - b.time);
    const r = rules.get(list[0]!.rule) ?? { incidents: 0, repairs: [], gaps: [] };
    rules.set(list[0]!.rule, r);
    let firedAt: number | undefined;
    let resolvedAt: number | undefined;
    for (const e of list) {
      if (e.state === 'firing' && firedAt === undefined) {
        firedAt = e.time;
        r.incidents++;
        if (resolvedAt !== undefined) r.gaps.push(e.time - resolvedAt);
      } else if (e.state === 'resolved' && firedAt !== undefined) {
        r.repairs.push(e.time - firedAt);
        resolvedAt = e.time;
        firedAt = undefined;
      }
    }
  }
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length / 1000);
  return [...rules].map(([rule, r]) => ({ rule, incidents: r.incidents, resolved: r.repairs.length, mttrSeconds: mean(r.repairs), mtbfSeconds: mean(r.gaps) }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
}
