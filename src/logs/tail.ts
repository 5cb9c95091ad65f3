import type { LogQuery, LogRecord, LogsReader } from '../storage/interface.js';

export interface TailOptions {
  reader: LogsReader;
  tenant: string;
  /** The filter; its time range is ignored (the tail moves with the clock). */
  query: LogQuery;
  /** Receives new records, oldest first. */
  send: (records: LogRecord[]) => void;
  now: () => number;
  intervalMs?: number;
  /** Records this far behind the newest seen are still looked for (they may be stored late). */
  graceMs?: number;
}

const identity = (r: LogRecord) => `${r.timeUnixNano}\u0000${r.serviceName}\u0000${r.spanId}\u0000${r.body}`;

/**
 * Live tail: polls for records matching the filter that are newer than those already sent
 * (looking `graceMs` back for records stored late, remembered so none is sent twice) and hands
 * them to `send` in time order. Starts from now: earlier records are for the search API.
 */
export class LogTail {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private from: number;
  private readonly seen = new Map<string, number>();

  constructor(private readonly o: TailOptions) {
    this.from = o.now();
  }

  start(): void {
    this.timer = setInterval(() => { void this.poll(); }, this.o.intervalMs ?? 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One poll; exposed for tests. */
  async poll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const grace = this.o.graceMs ?? 10_000;
      const end = this.o.now();
      const { records } = await this.o.reader.searchLogs(this.o.tenant, { ...this.o.query, range: { start: this.from - grace, end } }, { limit: 5000 });
      const fresh = records.filter((r) => !this.seen.has(identity(r))).reverse();
      for (const r of fresh) this.seen.set(identity(r), Number(BigInt(r.timeUnixNano) / 1_000_000n));
      const newest = Math.max(this.from, ...fresh.map((r) => Number(BigInt(r.timeUnixNano) / 1_000_000n)));
      this.from = newest;
      for (const [k, t] of this.seen) if (t < this.from - 2 * grace) this.seen.delete(k);
      if (fresh.length > 0) this.o.send(fresh);
    } finally {
      this.running = false;
    }
  }
}
