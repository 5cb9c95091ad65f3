import type { AnalyticsReader, FunnelQuery, FunnelResult, Interval, JourneyStep, PropertyFilter, RetentionQuery, TrendQuery } from '../interface.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { all } from './event-filters.js';
import { database, ident, join, param, sql, type Fragment } from './sql.js';

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

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
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
    const last = q.steps.at(-1)!;
    const ms = sql`toUInt64(toUnixTimestamp64Milli(Timestamp))`;
    const rows = await this.rows<{ breakdown: string; level: number; people: string; median: number | string | null }>(sql`
SELECT breakdown, level, count() AS people, medianIf(tn - t1, tn >= t1 AND t1 > 0) AS median FROM (
  SELECT person, ${breakdown} AS breakdown,
    windowFunnel(${param('UInt64', q.windowMs)})(${ms}, ${join(steps, sql`, `)}) AS level,
    minIf(${ms}, Event = ${param('String', first.event)}) AS t1,
    arrayFirst(x -> x >= t1, arraySort(groupArrayIf(${ms}, Event = ${param('String', last.event)}))) AS tn
  FROM ${this.events(tenant, q.range, [sql`e.Event IN ${param('Array(String)', [...new Set(q.steps.map((s) => s.event))])}`], await this.merges(tenant))}
  GROUP BY person
) WHERE level > 0 GROUP BY breakdown, level ORDER BY breakdown, level`);
    const byBreakdown = new Map<string, number[]>();
    const medians = new Map<string, number | null>();
    for (const r of rows) {
      const counts = byBreakdown.get(r.breakdown) ?? new Array<number>(q.steps.length).fill(0);
      // Someone who reached level n reached every step up to n.
      for (let i = 0; i < r.level; i++) counts[i]! += Number(r.people);
      byBreakdown.set(r.breakdown, counts);
      if (r.level === q.steps.length) medians.set(r.breakdown, r.median === null || Number.isNaN(Number(r.median)) ? null : Number(r.median));
    }
    return [...byBreakdown].map(([b, counts]) => ({ breakdown: b, counts, medianConversionMs: medians.get(b) ?? null }));
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

  async journey(tenant: string, distinctId: string, range: { start: number; end: number }, limit: number): Promise<JourneyStep[]> {
    const t = param('String', tenant);
    // The person behind the id, and every id merged into that person.
    const ids = await this.rows<{ id: string }>(sql`
WITH (SELECT if(argMax(PersonId, UpdatedAt) = '', ${param('String', distinctId)}, argMax(PersonId, UpdatedAt)) FROM ${database(this.db)}.${ident('person_ids')} WHERE ${ident('tenant')} = ${t} AND ${ident('DistinctId')} = ${param('String', distinctId)}) AS who
SELECT DISTINCT id FROM (
  SELECT arrayJoin([${param('String', distinctId)}, who]) AS id
  UNION ALL
  SELECT DistinctId AS id FROM ${database(this.db)}.${ident('person_ids')} WHERE ${ident('tenant')} = ${t} GROUP BY DistinctId HAVING argMax(PersonId, UpdatedAt) = who
) WHERE id != ''`);
    const rows = await this.rows<{ t: string; Event: string; SessionId: string; Properties: string }>(sql`
SELECT toUnixTimestamp64Milli(Timestamp) AS t, Event, SessionId, Properties FROM ${database(this.db)}.${ident('events')}
WHERE ${ident('tenant')} = ${t} AND ${ident('DistinctId')} IN ${param('Array(String)', ids.map((i) => i.id))}
  AND ${ident('Timestamp')} >= fromUnixTimestamp64Milli(${param('Int64', range.start)}) AND ${ident('Timestamp')} <= fromUnixTimestamp64Milli(${param('Int64', range.end)})
ORDER BY ${ident('Timestamp')} LIMIT ${param('UInt32', limit)}`);
    let session = 0;
    let last = -Infinity;
    let lastId = '';
    return rows.map((r) => {
      const time = Number(r.t);
      if (time - last > 30 * 60_000 || (r.SessionId !== '' && r.SessionId !== lastId)) session++;
      last = time;
      lastId = r.SessionId;
      return { time, event: r.Event, session, properties: JSON.parse(r.Properties) as Record<string, unknown> };
    });
  }

  async paths(tenant: string, q: { event: string; direction: 'after' | 'before'; steps: number; range: { start: number; end: number }; limit: number }): Promise<{ path: string[]; people: number }[]> {
    const merged = await this.merges(tenant);
    const n = param('Int64', q.steps);
    const slice = q.direction === 'after'
      ? sql`arraySlice(events, at + 1, ${n})`
      : sql`arraySlice(events, greatest(1, at - ${n}), least(${n}, at - 1))`;
    const rows = await this.rows<{ path: string[]; people: string }>(sql`
SELECT path, count() AS people FROM (
  SELECT arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((Timestamp, Event)))) AS events, indexOf(events, ${param('String', q.event)}) AS at, ${slice} AS path
  FROM ${this.events(tenant, q.range, [], merged)} GROUP BY person HAVING at > 0 AND length(path) > 0
) GROUP BY path ORDER BY people DESC, path LIMIT ${param('UInt32', q.limit)}`);
    return rows.map((r) => ({ path: r.path, people: Number(r.people) }));
  }

  async features(tenant: string, events: readonly string[], range: { start: number; end: number }): Promise<{ event: string; uses: number; users: number; adoption: number }[]> {
    const merged = await this.merges(tenant);
    const rows = await this.rows<{ Event: string; uses: string; users: string; active: string }>(sql`
SELECT Event, uses, users, active FROM (
  SELECT Event, count() AS uses, uniqCombined(person) AS users FROM ${this.events(tenant, range, [sql`e.Event IN ${param('Array(String)', [...events])}`], merged)} GROUP BY Event
) AS f CROSS JOIN (SELECT uniqCombined(person) AS active FROM ${this.events(tenant, range, [], merged)}) AS a ORDER BY Event`);
    return rows.map((r) => ({ event: r.Event, uses: Number(r.uses), users: Number(r.users), adoption: Number(r.active) ? Number(r.users) / Number(r.active) : 0 }));
  }

  async stickiness(tenant: string, event: string, interval: 'day' | 'week', range: { start: number; end: number }): Promise<{ periods: number; people: number }[]> {
    const merged = await this.merges(tenant);
    const rows = await this.rows<{ periods: string; people: string }>(sql`
SELECT periods, count() AS people FROM (
  SELECT person, uniqExact(${bucket(interval, sql`Timestamp`)}) AS periods FROM ${this.events(tenant, range, [sql`e.Event = ${param('String', event)}`], merged)} GROUP BY person
) GROUP BY periods ORDER BY periods`);
    return rows.map((r) => ({ periods: Number(r.periods), people: Number(r.people) }));
  }
}
