import type { Bounds, Kpi } from '../rules/kpi.js';
import { eventInterval } from '../analytics/kpi-writer.js';
import type { AnalyticsReader } from '../storage/interface.js';
import { parseDuration } from '../util/duration.js';
import { ApiError } from './errors.js';
import { jsonBody, single } from './params.js';
import type { ThresholdChange } from '../rules/kpi-thresholds.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

/** A PromQL expression's value per step (summed over its series; null where it has none). */
export type KpiQueryFn = (tenant: string, query: string, start: number, end: number, stepMs: number) => Promise<(number | null)[]>;

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function outside(v: number, b: Bounds | undefined): boolean {
  return !!b && ((b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max));
}

/** One level's bounds from a request body: null (no such level) or `{min?, max?}` of finite numbers. */
function bounds(v: unknown, level: string): Bounds | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ApiError('BAD_JSON', `"${level}" is null or {"min"?: number, "max"?: number}`);
  const { min, max, ...extra } = v as Record<string, unknown>;
  if (Object.keys(extra).length > 0) throw new ApiError('BAD_JSON', `"${level}": unknown key ${Object.keys(extra).map((k) => `"${k}"`).join(', ')}`);
  for (const [k, x] of [['min', min], ['max', max]] as const) {
    if (x !== undefined && x !== null && (typeof x !== 'number' || !Number.isFinite(x))) throw new ApiError('BAD_JSON', `"${level}.${k}" must be a number`);
  }
  return { ...(typeof min === 'number' ? { min } : {}), ...(typeof max === 'number' ? { max } : {}) };
}

/**
 * The KPI report: per configured KPI (PromQL or event metric), its value over the last `periods`
 * aggregation periods, the current value, trend (change from the first to the last period),
 * percentiles, and threshold status (`critical`, `warning`, `ok`, or `unknown` without a value);
 * and changes to a KPI's thresholds.
 */
export function kpiHandlers(d: {
  kpis: () => readonly Kpi[]; query: KpiQueryFn; analytics: AnalyticsReader; now: () => number;
  /** Changes a KPI's thresholds (throws with the reason when invalid) and applies them to the rules. */
  setThresholds?: (name: string, change: ThresholdChange) => Promise<void>;
}) {
  const series = async (tenant: string, k: Kpi, periods: number, now: number): Promise<{ time: number; value: number | null }[]> => {
    const period = parseDuration(k.period ?? '1h');
    if (k.query) {
      const end = Math.floor(now / period) * period;
      const start = end - (periods - 1) * period;
      const values = await d.query(tenant, k.query, start, end, period);
      return values.map((value, i) => ({ time: start + i * period, value }));
    }
    const interval = eventInterval(k.period);
    if (!interval || !k.event) throw new ApiError('BAD_PARAMETER', `KPI ${k.name}: an event KPI's period is 1h, 1d, 7d or 30d`);
    const points = await d.analytics.trend(tenant, {
      event: k.event.name, interval, measure: k.event.measure as 'count', filters: [], range: { start: now - periods * period, end: now },
      ...(k.event.property ? { property: k.event.property } : {}),
    });
    return points.map((p) => ({ time: p.time, value: p.value }));
  };
  return {
    /** PUT /api/v1/kpis/:name/thresholds with `{"warning": {"min"?, "max"?} | null, "critical": … | null}` — new thresholds, kept across restarts. */
    setThresholds: async (req: ApiRequest): Promise<ApiResponse> => {
      const name = req.params.name ?? '';
      const body = jsonBody(req);
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError('BAD_JSON', 'the body is {"warning": {"min"?, "max"?} | null, "critical": {…} | null}');
      const b = body as Record<string, unknown>;
      const change = { warning: bounds(b.warning, 'warning'), critical: bounds(b.critical, 'critical') };
      if (!d.kpis().some((k) => k.name === name)) throw new ApiError('NOT_FOUND', `no KPI named "${name}"`);
      if (!d.setThresholds) throw new ApiError('NOT_FOUND', 'KPI thresholds cannot be changed here');
      try {
        await d.setThresholds(name, change);
      } catch (err) {
        throw new ApiError('BAD_JSON', `invalid thresholds for ${name}: ${(err as Error).message}`);
      }
      return ok({ name, thresholds: change });
    },

    /** GET /api/v1/kpis?periods=24 */
    report: async (req: ApiRequest): Promise<ApiResponse> => {
      const text = single(req, 'periods') ?? '24';
      if (!/^\d+$/.test(text) || Number(text) < 2 || Number(text) > 1000) throw new ApiError('BAD_PARAMETER', 'invalid parameter "periods": 2 to 1000');
      const now = d.now();
      const report = await Promise.all(d.kpis().map(async (k) => {
        const values = await series(req.tenant, k, Number(text), now);
        const present = values.filter((v): v is { time: number; value: number } => v.value !== null);
        const current = present.at(-1)?.value ?? null;
        const first = present[0]?.value ?? null;
        const sorted = present.map((v) => v.value).sort((a, b) => a - b);
        const status = current === null ? 'unknown' : outside(current, k.critical) ? 'critical' : outside(current, k.warning) ? 'warning' : 'ok';
        return {
          name: k.name, description: k.description, unit: k.unit ?? '', period: k.period ?? '1h', source: k.query ? { query: k.query } : { event: k.event },
          thresholds: { warning: k.warning ?? null, critical: k.critical ?? null },
          current, status, trend: current !== null && first !== null && first !== 0 ? (current - first) / Math.abs(first) : null,
          percentiles: { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99) },
          values,
        };
      }));
      return ok(report);
    },
  };
}
