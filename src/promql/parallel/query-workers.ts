import type { LabelMatcher, MetricsReader, TimeRange } from '../../storage/interface.js';
import { ownBuffers, type SharedSamples } from '../../storage/recent/shared-samples.js';
import { compiledWorker, WorkerPool } from '../../util/worker-pool.js';
import type { EngineLimits } from '../engine.js';
import { QueryError } from '../value.js';
import type { PartJob, PartResult } from './part.js';

/**
 * Worker threads that evaluate parts of streamed aggregations over samples in shared memory, so
 * that a heavy query uses more than one core (the main thread evaluates a part too). Parts go to
 * the worker with the fewest in flight. The workers start with the first part given to them: a
 * server that never runs a heavy query keeps no thread (nor its memory).
 */
export class QueryWorkers {
  private readonly pool: WorkerPool<PartResult>;

  constructor(count: number, onError: (err: Error) => void) {
    this.pool = new WorkerPool<PartResult>({
      file: compiledWorker(import.meta.url, 'promql/parallel/query-worker.js'),
      size: count,
      lazy: true,
      unrefIdle: true,
      onError,
      settle: (reply) => {
        if (reply.result) return reply.result as PartResult;
        throw new QueryError('internal', `query worker: ${typeof reply.error === 'string' ? reply.error : 'no result'}`);
      },
      failure: (message) => new QueryError('internal', `query worker failed: ${message}`),
    });
  }

  get size(): number {
    return this.pool.size;
  }

  run(job: PartJob, samples: SharedSamples): Promise<PartResult> {
    // The samples' arrays are the part's own: moved, not copied (the slabs are shared).
    return this.pool.request(this.pool.leastBusy(), { job, samples }, ownBuffers(samples));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The engine's `parallel` option for one tenant's queries, where storage can share samples. */
export function parallelOption(reader: MetricsReader, tenant: string, workers: QueryWorkers | undefined): { parallel?: NonNullable<EngineLimits['parallel']> } {
  const selectShared = reader.selectShared?.bind(reader);
  return selectShared ? { parallel: { workers, selectShared: (matchers: readonly LabelMatcher[], range: TimeRange) => selectShared(tenant, matchers, range) } } : {};
}
