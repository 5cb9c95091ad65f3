import { randomUUID } from 'node:crypto';
import type { NotificationAttempt } from '../storage/interface.js';
import { readJson, writeJson } from '../util/json-file.js';
import type { Notification } from './dispatch.js';
import type { Integration } from './receivers.js';

/** One notification waiting to go through one integration of a receiver. */
interface Job {
  id: string;
  receiver: string;
  /** Index of the integration among the receiver's integrations, its type, and its name (`email/0`: the first email integration). */
  index: number;
  type: string;
  name: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
}

export interface QueueOptions {
  /** Where the queue is kept; without it, nothing survives a restart (tests). */
  file?: string;
  integrations: () => ReadonlyMap<string, readonly Integration[]>;
  externalURL: string;
  /** Every attempt and its outcome (the notification history). */
  record: (attempt: NotificationAttempt) => void;
  onError: (receiver: string, err: Error) => void;
  /** A notification not delivered this long after it was queued is given up. */
  maxAgeMs?: number;
}

/** Retries wait 1 s, 2 s, 4 s … up to this. */
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Notifications on their way out, one job per integration, kept on disk: a job is written before
 * its first attempt and removed once its integration accepted it, so a restart neither loses a
 * notification nor sends one again (short of a crash between the receiver's answer and the
 * removal). Each integration retries on its own with exponential backoff; a newer notification
 * for the same group and integration replaces one still waiting (only the newest state matters).
 */
export class NotificationQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly sending = new Set<string>();

  constructor(private readonly o: QueueOptions) {
    if (o.file) for (const j of readJson<Job[]>(o.file, [])) this.jobs.set(j.id, j);
  }

  get size(): number {
    return this.jobs.size;
  }

  /**
   * Queues `n` for every integration of its receiver that takes some of its alerts (resolved
   * ones only with `send_resolved`, and only those its filters accept).
   */
  enqueue(n: Notification, now: number): void {
    const integrations = this.o.integrations().get(n.receiver) ?? [];
    integrations.forEach((integration, index) => {
      const alerts = n.alerts.filter((a) => (a.status === 'firing' || integration.sendResolved) && integration.accepts(a.alert.labels));
      if (alerts.length === 0) return;
      for (const old of this.jobs.values()) {
        if (old.notification.groupKey !== n.groupKey || old.receiver !== n.receiver || old.index !== index || this.sending.has(old.id)) continue;
        this.jobs.delete(old.id);
        this.o.record(attempt(old, now, 'dropped', 'replaced by a newer notification of the same group'));
      }
      const notification = { ...n, alerts, status: alerts.some((a) => a.status === 'firing') ? 'firing' as const : 'resolved' as const };
      const name = `${integration.type}/${integrations.slice(0, index).filter((i) => i.type === integration.type).length}`;
      const job: Job = { id: randomUUID(), receiver: n.receiver, index, type: integration.type, name, notification, attempts: 0, nextAttemptAt: now, createdAt: now };
      this.jobs.set(job.id, job);
    });
    this.save();
  }

  /** Attempts every job that is due, all integrations at once. */
  async deliver(now: number): Promise<void> {
    const due = [...this.jobs.values()].filter((j) => j.nextAttemptAt <= now && !this.sending.has(j.id));
    await Promise.all(due.map((j) => this.attempt(j, now)));
  }

  private async attempt(job: Job, now: number): Promise<void> {
    const integration = this.o.integrations().get(job.receiver)?.[job.index];
    if (!integration || integration.type !== job.type) {
      this.finish(job, attempt(job, now, 'dropped', `receiver "${job.receiver}" no longer has integration ${job.name}`));
      return;
    }
    this.sending.add(job.id);
    job.attempts++;
    try {
      await integration.send(job.notification, this.o.externalURL);
      this.finish(job, attempt(job, now, 'sent', ''));
    } catch (err) {
      const error = err as Error;
      this.o.onError(job.receiver, error);
      if (now - job.createdAt >= (this.o.maxAgeMs ?? 24 * 3_600_000)) {
        this.finish(job, attempt(job, now, 'gave_up', error.message));
      } else {
        job.nextAttemptAt = now + Math.min(1000 * 2 ** (job.attempts - 1), MAX_BACKOFF_MS);
        this.o.record(attempt(job, now, 'failed', error.message));
        this.save();
      }
    } finally {
      this.sending.delete(job.id);
    }
  }

  private finish(job: Job, a: NotificationAttempt): void {
    this.jobs.delete(job.id);
    this.save();
    this.o.record(a);
  }

  private save(): void {
    if (this.o.file) writeJson(this.o.file, [...this.jobs.values()]);
  }
}

function attempt(job: Job, time: number, outcome: NotificationAttempt['outcome'], error: string): NotificationAttempt {
  const n = job.notification;
  return {
    time, receiver: job.receiver, integration: job.name, groupKey: n.groupKey, status: n.status, outcome, error, attempt: job.attempts,
    fingerprints: n.alerts.map((a) => a.fingerprint),
    rules: [...new Set(n.alerts.map((a) => a.alert.labels.alertname ?? ''))],
  };
}
