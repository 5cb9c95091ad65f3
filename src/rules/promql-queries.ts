import type { KpiQueryFn } from '../api/kpi-handlers.js';
import type { Config } from '../config/load.js';
import { evaluate } from '../promql/engine.js';
import { parallelOption, type QueryWorkers } from '../promql/parallel/query-workers.js';
import { parse } from '../promql/parse.js';
import type { MetricsStorage } from '../storage/interface.js';
import type { RuleQuery } from './group.js';

/** KPI reports evaluate their PromQL through this function: a range query, the series summed per step (null where none). */
export function kpiQuery(storage: MetricsStorage, config: Config, workers?: QueryWorkers): KpiQueryFn {
  return async (tenant, query, start, end, step) => {
    const v = await evaluate(parse(query), { start, end, step }, (m, r, h) => storage.select(tenant, m, r, h), { ...config.query, deadline: Date.now() + config.query.timeoutMs, ...parallelOption(storage, tenant, workers) });
    const n = Math.floor((end - start) / step) + 1;
    if (v.type === 'scalar') return Array.from(v.values.subarray(0, n));
    if (v.type !== 'vector') throw new Error(`a KPI query must be an instant vector or a scalar, not a ${v.type}`);
    return Array.from({ length: n }, (_, i) => {
      const here = v.series.filter((s) => s.has[i]);
      return here.length === 0 ? null : here.reduce((sum, s) => sum + s.values[i]!, 0);
    });
  };
}

/** Rules evaluate PromQL through this function: instant queries on the default tenant's data. */
export function ruleQuery(storage: MetricsStorage, config: Config, workers?: QueryWorkers): RuleQuery {
  return async (expr, t) => {
    const v = await evaluate(expr, { start: t, end: t, step: 1000 }, (m, r, h) => storage.select(config.server.defaultTenant, m, r, h), { ...config.query, deadline: Date.now() + config.query.timeoutMs, ...parallelOption(storage, config.server.defaultTenant, workers) });
    if (v.type === 'scalar') return [{ labels: {}, value: v.values[0]! }];
    if (v.type !== 'vector') throw new Error(`rule expression must be an instant vector or a scalar, not a ${v.type}`);
    return v.series.filter((s) => s.has[0]).map((s) => ({ labels: s.labels, value: s.values[0]! }));
  };
}

