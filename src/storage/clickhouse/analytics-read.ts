import type { AnalyticsReader, FunnelQuery, FunnelResult, Interval, PropertyFilter, RetentionQuery, TrendQuery } from '../interface.js';
import type { ChConnection } from './connection.js';
import { all } from './event-filters.js';
import { database, ident, join, param, render, sql, type Fragment } from './sql.js';

/** A property's value as text: `Properties` JSON, nested keys split at `.`. */
function prop(key: string): Fragment {
  return sql`JSONExtractString(${ident('Properties')}, ${join(key.split('.').map((k) => sql`${param('String', k)}`), sql`, `)})`;
}

function numberProp(key: string): Fragment {
  return sql`JSONExtractFloat(${ident('Properties')}, ${join(key.split('.').map((k) => sql`${param('String', k)}`), sql`, `)})`;
}

function filterCondition(f: PropertyFilter): Fragment {
  const v = prop(f.key);
  switch (f.op) {
    case '=': return sql`${v} = ${param('String', f.value)}`;
    case '!=': return sql`${v} != ${param('String', f.value)}`;
    case '=~': return sql`match(${v}, ${param('String', f.value)})`;
    case '!~': return sql`NOT match(${v}, ${param('String', f.value)})`;
    case 'exists': return sql`JSONHas(${ident('Properties')}, ${join(f.key.split('.').map((k) => sql`${param('String', k)}`), sql`, `)})`;
    default: {
      const n = numberProp(f.key);
      const x = param('Float64', Number(f.value));
      return f.op === '>' ? sql`${n} > ${x}` : f.op === '>=' ? sql`${n} >= ${x}` : f.op === '<' ? sql`${n} < ${x}` : sql`${n} <= ${x}`;
    }
  }
}

function bucket(interval: Interval | 'day', t: Fragment): Fragment {
  switch (interval) {
    case 'hour': return sql`toStartOfHour(${t})`;
    case 'day': return sql`toStartOfDay(${t})`;
    case 'week': return sql`toStartOfWeek(${t}, 1)`;
    case 'month': return sql`toStartOfMonth(${t})`;
  }
}

/**
 * Product analytics over `events`, people resolved through `person_ids` (an identified anonymous
 * id counts as the person it was merged into); ClickHouse does the work: `windowFunnel` for
 * funnels, grouped distinct counts for trends and retention.
 */
export class AnalyticsRead implements AnalyticsReader {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private async rows<T>(q: Fragment): Promise<T[]> {
    const out = (await this.conn.query(render(q), 'JSONEachRow')).toString('utf8');
    return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  }

  /** Whether any distinct id of the tenant was merged into another person (else no join is needed). */
  private async merges(tenant: string): Promise<boolean> {
    const [r] = await this.rows<{ n: string }>(sql`
SELECT count() AS n FROM ${database(this.db)}.${ident('person_ids')} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('PersonId')} != ${ident('DistinctId')} LIMIT 1`);
    return Number(r?.n ?? 0) > 0;
  }

  /** Events of the tenant in the range with their person: a subquery to select from. */
  private events(tenant: string, range: { start: number; end: number }, where: Fragment[], merged = true): Fragment {
    const t = param('String', tenant);
    if (!merged) {
      return sql`(
  SELECT e.Timestamp AS Timestamp, e.Event AS Event, e.Properties AS Properties, e.DistinctId AS person
  FROM ${database(this.db)}.${ident('events')} AS e
  WHERE e.tenant = ${t} AND e.Timestamp >= fromUnixTimestamp64Milli(${param('Int64', range.start)}) AND e.Timestamp <= fromUnixTimestamp64Milli(${param('Int64', range.end)})
    AND ${all(where)}
)`;
    }
    return sql`(
  SELECT e.Timestamp AS Timestamp, e.Event AS Event, e.Properties AS Properties, if(p.PersonId = '', e.DistinctId, p.PersonId) AS person
  FROM ${database(this.db)}.${ident('events')} AS e
  LEFT JOIN (SELECT DistinctId, argMax(PersonId, UpdatedAt) AS PersonId FROM ${database(this.db)}.${ident('person_ids')} WHERE ${ident('tenant')} = ${t} GROUP BY DistinctId) AS p
    ON e.DistinctId = p.DistinctId
  WHERE e.tenant = ${t} AND e.Timestamp >= fromUnixTimestamp64Milli(${param('Int64', range.start)}) AND e.Timestamp <= fromUnixTimestamp64Milli(${param('Int64', range.end)})
    AND ${all(where)}
)`;
  }

  async trend(tenant: string, q: TrendQuery): Promise<{ time: number; breakdown: string; value: number }[]> {
    // `*` is any event (active users).
    const where = [...(q.event === '*' ? [] : [sql`e.Event = ${param('String', q.event)}`]), ...q.filters.map(filterCondition)];
    const value = q.measure === 'count' ? sql`count()` : q.measure === 'users' ? sql`uniqCombined(person)`
      : q.measure === 'sum' ? sql`sum(${numberProp(q.property ?? '')})` : sql`avg(${numberProp(q.property ?? '')})`;
    const breakdown = q.breakdown ? prop(q.breakdown) : sql`''`;
    const merged = q.measure === 'users' && (await this.merges(tenant));
    const rows = await this.rows<{ time: string; breakdown: string; value: number | string }>(sql`
SELECT toUnixTimestamp64Milli(toDateTime64(${bucket(q.interval, sql`Timestamp`)}, 3)) AS time, ${breakdown} AS breakdown, ${value} AS value
FROM ${this.events(tenant, q.range, where, merged)} GROUP BY time, breakdown ORDER BY time, breakdown`);
    return rows.map((r) => ({ time: Number(r.time), breakdown: r.breakdown, value: Number(r.value) }));
  }

  async funnel(tenant: string, q: FunnelQuery): Promise<FunnelResult[]> {
    const steps = q.steps.map((s) => sql`(Event = ${param('String', s.event)} AND ${all(s.filters.map(filterCondition))})`);
    const first = q.steps[0]!;
    const breakdown = q.breakdown ? sql`argMinIf(${prop(q.breakdown)}, Timestamp, Event = ${param('String', first.event)})` : sql`''`;
    const rows = await this.rows<{ breakdown: string; level: number; people: string }>(sql`
SELECT breakdown, level, count() AS people FROM (
  SELECT person, ${breakdown} AS breakdown,
    windowFunnel(${param('UInt64', q.windowMs)})(toUInt64(toUnixTimestamp64Milli(Timestamp)), ${join(steps, sql`, `)}) AS level
  FROM ${this.events(tenant, q.range, [sql`e.Event IN ${param('Array(String)', [...new Set(q.steps.map((s) => s.event))])}`], await this.merges(tenant))}
  GROUP BY person
) WHERE level > 0 GROUP BY breakdown, level ORDER BY breakdown, level`);
    const byBreakdown = new Map<string, number[]>();
    for (const r of rows) {
      const counts = byBreakdown.get(r.breakdown) ?? new Array<number>(q.steps.length).fill(0);
      // Someone who reached level n reached every step up to n.
      for (let i = 0; i < r.level; i++) counts[i]! += Number(r.people);
      byBreakdown.set(r.breakdown, counts);
    }
    return [...byBreakdown].map(([b, counts]) => ({ breakdown: b, counts }));
  }

  async retention(tenant: string, q: RetentionQuery): Promise<{ cohort: number; size: number; returned: number[] }[]> {
    const periodMs = { day: 86_400_000, week: 7 * 86_400_000, month: 31 * 86_400_000 }[q.period];
    const returns = { start: q.range.start, end: q.range.end + q.periods * periodMs };
    const unit = { day: sql`day`, week: sql`week`, month: sql`month` }[q.period];
    const merged = await this.merges(tenant);
    // One pass over both events: per person, the cohort (first start event in the range) and the
    // distinct periods with a return event; −1 stands for the person itself (the cohort size).
    const b = bucket(q.period, sql`Timestamp`);
    const isStart = sql`Event = ${param('String', q.startEvent)} AND Timestamp <= fromUnixTimestamp64Milli(${param('Int64', q.range.end)})`;
    const rows = await this.rows<{ cohort: string; k: number; people: string }>(sql`
SELECT toUnixTimestamp64Milli(toDateTime64(first, 3)) AS cohort, k, count() AS people
FROM (
  SELECT person, minIf(${b}, ${isStart}) AS first, groupUniqArrayIf(${b}, Event = ${param('String', q.returnEvent)}) AS ps
  FROM ${this.events(tenant, returns, [sql`e.Event IN ${param('Array(String)', [q.startEvent, q.returnEvent])}`], merged)}
  GROUP BY person
  HAVING countIf(${isStart}) > 0
)
ARRAY JOIN arrayConcat([-1], arrayFilter(x -> x >= 0 AND x < ${param('Int64', q.periods)}, arrayMap(p -> dateDiff('${unit}', first, p), ps))) AS k
GROUP BY cohort, k ORDER BY cohort, k`);
    const cohorts = new Map<string, { size: number; returned: number[] }>();
    for (const r of rows) {
      const c = cohorts.get(r.cohort) ?? { size: 0, returned: new Array<number>(q.periods).fill(0) };
      cohorts.set(r.cohort, c);
      if (r.k < 0) c.size = Number(r.people);
      else c.returned[r.k] = Number(r.people);
    }
    return [...cohorts].map(([cohort, c]) => ({ cohort: Number(cohort), ...c }));
  }
}
