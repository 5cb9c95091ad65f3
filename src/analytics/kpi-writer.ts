import { parseDuration } from '../util/duration.js';
import type { Kpi } from '../rules/kpi.js';
import { KPI_VALUE_METRIC } from '../rules/kpi.js';
import type { AnalyticsReader, Interval } from '../storage/interface.js';

const INTERVALS: [number, Interval][] = [[3_600_000, 'hour'], [86_400_000, 'day'], [7 * 86_400_000, 'week'], [30 * 86_400_000, 'month']];

/** The interval an event KPI aggregates over, from its period (1h, 1d, 7d, 30d); undefined for other periods. */
export function eventInterval(period: string | undefined): Interval | undefined {
  const ms = parseDuration(period ?? '1h');
  return INTERVALS.find(([p]) => p === ms)?.[1];
}

/**
 * Event KPIs feed the alerting rules through a series: their value over the current period
 * (`kpi_value{kpi="<name>"}`), computed from the events and written like any sample; the KPI's
 * rules (see kpi.ts) compare that series with the thresholds.
 */
export async function eventKpiSamples(analytics: AnalyticsReader, tenant: string, kpis: readonly Kpi[], now: number): Promise<{ labels: [string, string][]; value: number }[]> {
  const out: { labels: [string, string][]; value: number }[] = [];
  for (const k of kpis) {
    const interval = eventInterval(k.period);
    if (!k.event || !interval) continue;
    const period = parseDuration(k.period ?? '1h');
    const points = await analytics.trend(tenant, {
      event: k.event.name, interval, measure: k.event.measure as 'count', filters: [], range: { start: now - period, end: now },
      ...(k.event.property ? { property: k.event.property } : {}),
    });
    const latest = points.at(-1);
    const currentPeriod = latest && now - latest.time < period ? latest.value : 0;
    out.push({ labels: [['__name__', KPI_VALUE_METRIC], ['kpi', k.name]], value: currentPeriod });
  }
  return out;
}
