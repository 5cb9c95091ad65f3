import { GroupRunner, type GroupOptions } from './group.js';
import type { RuleGroup } from './rule-file.js';

export interface RuleManagerOptions extends GroupOptions {
  /** Interval of groups that set none, ms (Prometheus's global evaluation_interval). */
  defaultIntervalMs: number;
  now: () => number;
  onError: (group: string, err: Error) => void;
}

/**
 * Runs rule groups on their intervals, each at the multiples of its interval (the time of an
 * evaluation is the slot, as in Prometheus), one evaluation of a group at a time. Tests drive
 * it with `evaluateAll(t)` instead of timers.
 */
export class RuleManager {
  groups: GroupRunner[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private started = false;

  constructor(groups: readonly RuleGroup[], private readonly o: RuleManagerOptions) {
    this.groups = groups.map((g) => new GroupRunner(g, o));
  }

  intervalOf(g: GroupRunner): number {
    return g.group.intervalMs || this.o.defaultIntervalMs;
  }

  start(): void {
    this.started = true;
    for (const g of this.groups) this.schedule(g);
  }

  /**
   * Replaces the groups (a reload): waits for evaluations under way, carries the state of rules
   * that stay (same file, group, rule name and expression) over, and schedules the new set.
   */
  async reload(groups: readonly RuleGroup[]): Promise<void> {
    this.clearTimers();
    await Promise.all(this.running);
    this.clearTimers(); // an evaluation that just ended scheduled its next one
    const next = groups.map((g) => new GroupRunner(g, this.o));
    for (const n of next) {
      const old = this.groups.find((g) => g.group.file === n.group.file && g.group.name === n.group.name);
      if (old) n.adopt(old);
    }
    this.groups = next;
    if (this.started && !this.stopped) this.start();
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(g: GroupRunner): void {
    if (this.stopped || !this.groups.includes(g)) return;
    const interval = this.intervalOf(g);
    const now = this.o.now();
    const slot = Math.floor(now / interval) * interval + interval;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.groups.includes(g)) return;
      const run = g.evaluate(slot).catch((err: unknown) => { this.o.onError(g.group.name, err as Error); });
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        this.schedule(g);
      });
    }, slot - now);
    this.timers.add(timer);
  }

  /** Evaluates every group at `t`, one after the other. */
  async evaluateAll(t: number): Promise<void> {
    for (const g of this.groups) await g.evaluate(t);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    await Promise.all(this.running);
  }
}
