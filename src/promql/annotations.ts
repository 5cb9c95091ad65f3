import type { Labels } from '../storage/interface.js';
import { goG } from '../util/go-format.js';

/**
 * Warnings and infos a query's answer carries beside its result, worded as Prometheus 3 words
 * them (util/annotations), each once.
 */
export class Annotations {
  private readonly warningSet = new Set<string>();
  private readonly infoSet = new Set<string>();

  warn(text: string): void {
    this.warningSet.add(`PromQL warning: ${text}`);
  }

  info(text: string): void {
    this.infoSet.add(`PromQL info: ${text}`);
  }

  get warnings(): string[] {
    return [...this.warningSet];
  }

  get infos(): string[] {
    return [...this.infoSet];
  }

  /** A quantile parameter outside [0, 1] (the answer is then ±Inf). */
  quantile(q: ArrayLike<number>): void {
    for (let i = 0; i < q.length; i++) {
      const x = q[i]!;
      if (!(x >= 0 && x <= 1)) this.warn(`quantile value should be between 0 and 1, got ${goG(x)}`);
    }
  }

  /** rate, increase and irate on a series whose name does not look like a counter's. */
  counterName(func: string, labels: Labels): void {
    if (func !== 'rate' && func !== 'increase' && func !== 'irate') return;
    const name = labels.__name__;
    if (name === undefined || COUNTER_SUFFIX.test(name)) return;
    this.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`);
  }

  /** histogram_quantile found a series without a usable `le` label. */
  badBucketLabel(labels: Labels): void {
    this.warn(`bucket label "le" is missing or has a malformed value of ${JSON.stringify(labels.le ?? '')}${forMetric(labels)}`);
  }

  /** histogram_quantile had to raise bucket counts to make them monotonic. */
  forcedMonotonicity(labels: Labels): void {
    this.info(`input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${forMetric(labels)}`);
  }
}

const COUNTER_SUFFIX = /_(total|sum|count|bucket)$/;

function forMetric(labels: Labels): string {
  return labels.__name__ ? ` for metric name ${JSON.stringify(labels.__name__)}` : '';
}
