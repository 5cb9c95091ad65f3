import type { ScrapeJob } from '../config/load.js';
import { ScrapeLoop, type ScrapeIngest, type TargetHealth } from './scrape-loop.js';
import { buildTargets } from './targets.js';

export interface ScrapeManagerOptions {
  jobs: readonly ScrapeJob[];
  tenant: string;
  ingest: ScrapeIngest;
  bodyLimitBytes: number;
  now: () => number;
  onResult: (job: string, ok: boolean, error?: string) => void;
}

/** Runs one scrape loop per target of every configured job. */
export class ScrapeManager {
  private readonly loops: ScrapeLoop[] = [];
  private started = false;

  constructor(private readonly o: ScrapeManagerOptions) {
    for (const job of o.jobs) this.addJob(job);
  }

  /** Adds a job (e.g. the server's own /metrics once its port is known); started at once when the manager runs. */
  addJob(job: ScrapeJob): void {
    for (const target of buildTargets(job)) {
      const loop = new ScrapeLoop({ job, target, tenant: this.o.tenant, ingest: this.o.ingest, bodyLimitBytes: this.o.bodyLimitBytes, now: this.o.now, onResult: this.o.onResult });
      this.loops.push(loop);
      if (this.started) loop.start();
    }
  }

  start(): void {
    this.started = true;
    for (const l of this.loops) l.start();
  }

  /** Stops every loop (their series get staleness markers). */
  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
  }

  targets(): TargetHealth[] {
    return this.loops.map((l) => l.status);
  }
}
