import type { ScrapeJob } from '../config/load.js';
import { formatDuration } from '../util/duration.js';
import { compileRelabel, type LabelMap } from './relabel.js';

/** A target after relabelling: where to scrape and the labels its series get. */
export interface Target {
  readonly url: string;
  /** Final target labels (job, instance, static labels), sorted by name. */
  readonly labels: readonly [string, string][];
  /** Stable identity of the target within the job. */
  readonly key: string;
}

/**
 * Builds the targets of a job from its static_configs as Prometheus does: each target starts
 * with `__address__`, `__scheme__`, `__metrics_path__`, `__scrape_interval__`,
 * `__scrape_timeout__`, `__param_*`, `job` and the group's labels; relabel_configs run; labels
 * starting with `__` are then removed and `instance` defaults to the address.
 */
export function buildTargets(job: ScrapeJob): Target[] {
  const relabel = compileRelabel(job.relabelConfigs);
  const out: Target[] = [];
  for (const group of job.staticConfigs) {
    for (const address of group.targets) {
      const labels: LabelMap = new Map([
        ['job', job.jobName],
        ...Object.entries(group.labels),
        ['__address__', address],
        ['__scheme__', job.scheme],
        ['__metrics_path__', job.metricsPath],
        ['__scrape_interval__', formatDuration(job.intervalMs)],
        ['__scrape_timeout__', formatDuration(job.timeoutMs)],
        ...Object.entries(job.params).map(([k, v]): [string, string] => [`__param_${k}`, v[0] ?? '']),
      ]);
      if (!relabel(labels)) continue;
      const addr = labels.get('__address__');
      if (!addr) continue;
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(job.params)) for (const x of v) params.append(k, x);
      for (const [k, v] of labels) if (k.startsWith('__param_')) params.set(k.slice(8), v);
      const query = params.toString();
      const url = `${labels.get('__scheme__') ?? 'http'}://${addr}${labels.get('__metrics_path__') ?? '/metrics'}${query ? `?${query}` : ''}`;
      if (!labels.has('instance')) labels.set('instance', addr);
      const final = [...labels].filter(([k, v]) => !k.startsWith('__') && v !== '').sort((a, b) => (a[0] < b[0] ? -1 : 1));
      out.push({ url, labels: final, key: `${job.jobName}|${url}|${final.map(([k, v]) => `${k}=${v}`).join(',')}` });
    }
  }
  return out;
}
