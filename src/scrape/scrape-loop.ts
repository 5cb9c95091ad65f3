import type { ScrapeJob } from '../config/load.js';
import type { AppendSession } from '../ingest/append.js';
import type { SeriesState } from '../ingest/series-cache.js';
import { parseExposition } from '../ingest/text/parse.js';
import { compileRelabel } from './relabel.js';
import type { Target } from './targets.js';

/** What a scrape loop needs from ingest. */
export interface ScrapeIngest {
  session(tenant: string): AppendSession;
  commit(protocol: 'scrape', session: AppendSession): Promise<unknown>;
}

export interface ScrapeLoopOptions {
  job: ScrapeJob;
  target: Target;
  tenant: string;
  ingest: ScrapeIngest;
  bodyLimitBytes: number;
  now: () => number;
  onResult: (job: string, ok: boolean, error?: string) => void;
}

const ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Last scrape result of a target, for the health view. */
export interface TargetHealth {
  url: string;
  labels: Record<string, string>;
  health: 'unknown' | 'up' | 'down';
  lastError: string;
  lastScrape: number;
  lastScrapeDurationSeconds: number;
}

/**
 * Scrapes one target every interval, like a Prometheus scrape loop: target labels attached
 * (honor_labels decides conflicts), metric_relabel_configs applied, the synthetic `up`,
 * `scrape_duration_seconds`, `scrape_samples_scraped`, `scrape_samples_post_metric_relabeling`
 * and `scrape_series_added` series written, and staleness markers for series that disappear
 * (all of them when the scrape fails or the loop stops).
 */
export class ScrapeLoop {
  private timer: NodeJS.Timeout | undefined;
  private previous = new Map<string, SeriesState>();
  private readonly dropped = new Set<string>();
  private readonly metricRelabel: ReturnType<typeof compileRelabel>;
  private stopped = false;
  private inFlight: Promise<void> | undefined;
  readonly status: TargetHealth;

  constructor(private readonly o: ScrapeLoopOptions) {
    this.metricRelabel = compileRelabel(o.job.metricRelabelConfigs);
    this.status = { url: o.target.url, labels: Object.fromEntries(o.target.labels), health: 'unknown', lastError: '', lastScrape: 0, lastScrapeDurationSeconds: 0 };
  }

  /** Starts scraping after an offset spread over the interval (stable per target). */
  start(): void {
    let h = 0;
    for (const c of this.o.target.key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    const offset = h % Math.max(1, this.o.job.intervalMs);
    const tick = () => {
      if (this.stopped) return;
      this.inFlight = this.scrapeOnce().finally(() => { this.inFlight = undefined; });
      this.timer = setTimeout(tick, this.o.job.intervalMs);
    };
    this.timer = setTimeout(tick, Math.min(offset, 1000));
  }

  /** Stops the loop and marks every series of the target stale. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    const session = this.o.ingest.session(this.o.tenant);
    const ts = this.o.now();
    for (const state of this.previous.values()) session.sample(state, ts, Number.NaN, true);
    this.previous.clear();
    await this.o.ingest.commit('scrape', session);
  }

  /** One scrape: fetch, parse, append, commit. Never throws. */
  async scrapeOnce(): Promise<void> {
    const { job, target } = this.o;
    const start = this.o.now();
    const session = this.o.ingest.session(this.o.tenant);
    const current = new Map<string, SeriesState>();
    let scraped = 0;
    let kept = 0;
    let added = 0;
    let error = '';
    try {
      const res = await fetch(target.url, { headers: { Accept: ACCEPT, 'X-Prometheus-Scrape-Timeout-Seconds': String(job.timeoutMs / 1000) }, signal: AbortSignal.timeout(job.timeoutMs) });
      if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status} ${res.statusText}`);
      const length = Number(res.headers.get('content-length') ?? '0');
      if (length > this.o.bodyLimitBytes) throw new Error(`body size ${length} exceeds the limit ${this.o.bodyLimitBytes}`);
      const text = await res.text();
      if (text.length > this.o.bodyLimitBytes) throw new Error(`body size exceeds the limit ${this.o.bodyLimitBytes}`);
      const openMetrics = (res.headers.get('content-type') ?? '').startsWith('application/openmetrics-text');
      const lineErrors: string[] = [];
      parseExposition(text, { openMetrics }, {
        sample: (series, labels, value, tsMs) => {
          scraped++;
          if (this.dropped.has(series)) return;
          const key = `${target.key}\u0001${series}`;
          const state = session.series(key, () => {
            const merged = this.targetLabels(labels());
            if (this.metricRelabel(merged)) return [...merged];
            this.dropped.add(series);
            return null;
          }, 1);
          if (!state) return;
          kept++;
          if (!this.previous.has(key) && !current.has(key)) added++;
          current.set(key, state);
          session.sample(state, job.honorTimestamps && tsMs !== undefined ? tsMs : start, value, false);
        },
        metadata: (family, type, help, unit) => { session.metadata(family, type, help, unit, Math.floor(start / 1000)); },
        error: (line, message) => { lineErrors.push(`line ${line}: ${message}`); },
      });
      if (lineErrors.length > 0) throw new Error(`cannot parse the scraped page: ${lineErrors[0] ?? ''}`);
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `scrape timed out after ${job.timeoutMs}ms` : (err as Error).message;
      current.clear();
      kept = 0;
      added = 0;
    }
    // On failure Prometheus discards the partial scrape: start a clean session with only stale markers and synthetics.
    const out = error ? this.o.ingest.session(this.o.tenant) : session;
    for (const [key, state] of this.previous) if (!current.has(key)) out.sample(state, start, Number.NaN, true);
    this.previous = current;
    const duration = (this.o.now() - start) / 1000;
    this.synthetic(out, start, {
      up: error ? 0 : 1,
      scrape_duration_seconds: duration,
      scrape_samples_scraped: error ? 0 : scraped,
      scrape_samples_post_metric_relabeling: kept,
      scrape_series_added: added,
    });
    Object.assign(this.status, { health: error ? 'down' : 'up', lastError: error, lastScrape: start, lastScrapeDurationSeconds: duration });
    try {
      await this.o.ingest.commit('scrape', out);
    } catch (err) {
      error ||= `storing the scrape failed: ${(err as Error).message}`;
    }
    this.o.onResult(job.jobName, !error, error);
  }

  /** Scraped labels merged with target labels under honor_labels rules. */
  private targetLabels(scraped: [string, string][]): Map<string, string> {
    const merged = new Map(scraped);
    for (const [name, value] of this.o.target.labels) {
      const existing = merged.get(name);
      if (existing === undefined || existing === '') merged.set(name, value);
      else if (!this.o.job.honorLabels) {
        merged.set(`exported_${name}`, existing);
        merged.set(name, value);
      }
    }
    return merged;
  }

  private synthetic(session: AppendSession, ts: number, values: Record<string, number>): void {
    for (const [name, value] of Object.entries(values)) {
      const labels: [string, string][] = [['__name__', name], ...this.o.target.labels];
      const state = session.series(`${this.o.target.key}\u0002${name}`, () => labels, 1);
      if (state) session.sample(state, ts, value, false);
    }
  }
}
