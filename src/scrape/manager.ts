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

  constructor(o: ScrapeManagerOptions) {
    for (const job of o.jobs) {
      for (const target of buildTargets(job)) {
        this.loops.push(new ScrapeLoop({ job, target, tenant: o.tenant, ingest: o.ingest, bodyLimitBytes: o.bodyLimitBytes, now: o.now, onResult: o.onResult }));
      }
    }
  }

  start(): void {
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
