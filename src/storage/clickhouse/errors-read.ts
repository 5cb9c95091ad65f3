import type { ErrorEventRecord, ErrorsStorage, IssueQuery, IssueSummary, TimeRange } from '../interface.js';
import { ByteWriter } from '../byte-writer.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { all } from './event-filters.js';
import { database, ident, param, sql, type Fragment } from './sql.js';

/**
 * Issues over `error_events` (one per project and fingerprint, first and last seen over all
 * kept events) with the newest status from `error_issues`: a resolved issue that has events
 * after it was resolved is unresolved again and regressed.
 */
export class ErrorsRead implements ErrorsStorage {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private table(name: 'error_events' | 'error_issues'): Fragment {
    return sql`${database(this.db)}.${ident(name)}`;
  }

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }

  async issues(tenant: string, q: IssueQuery): Promise<IssueSummary[]> {
    const where: Fragment[] = [sql`${ident('tenant')} = ${param('String', tenant)}`];
    if (q.project) where.push(sql`${ident('Project')} = ${param('String', q.project)}`);
    if (q.fingerprint) where.push(sql`${ident('Fingerprint')} = ${param('String', q.fingerprint)}`);
    const having: Fragment[] = [
      sql`last >= ${param('Int64', q.range.start)}`,
      sql`first <= ${param('Int64', q.range.end)}`,
    ];
    if (q.level) having.push(sql`level = ${param('String', q.level)}`);
    if (q.environment) having.push(sql`has(environments, ${param('String', q.environment)})`);
    if (q.release) having.push(sql`has(releases, ${param('String', q.release)})`);
    if (q.text) having.push(sql`countIf(positionCaseInsensitiveUTF8(concat(Title, ' ', Culprit, ' ', Message), ${param('String', q.text)}) > 0) > 0`);
    if (q.status) having.push(sql`status = ${param('String', q.status)}`);
    const order = { last_seen: sql`last DESC`, count: sql`n DESC`, users: sql`users DESC`, first_seen: sql`first DESC` }[q.sort];
    const rows = await this.rows<{ Project: string; Fingerprint: string; title: string; culprit: string; level: string; first: string; last: string; n: string; users: string; releases: string[]; environments: string[]; status: IssueSummary['status']; regressed: number }>(sql`
SELECT e.Project AS Project, e.Fingerprint AS Fingerprint, argMax(Title, Timestamp) AS title, argMax(Culprit, Timestamp) AS culprit, argMax(Level, Timestamp) AS level,
  toUnixTimestamp64Milli(min(Timestamp)) AS first, toUnixTimestamp64Milli(max(Timestamp)) AS last, count() AS n,
  uniqExactIf(coalesce(nullIf(UserId, ''), nullIf(UserEmail, ''), UserIp), UserId != '' OR UserEmail != '' OR UserIp != '') AS users,
  arraySort(groupUniqArrayIf(Release, Release != '')) AS releases, arraySort(groupUniqArrayIf(Environment, Environment != '')) AS environments,
  any(s.status) AS given, any(s.at) AS given_at,
  multiIf(given = 'resolved' AND max(Timestamp) > given_at, 'unresolved', given = '', 'unresolved', given) AS status,
  given = 'resolved' AND max(Timestamp) > given_at AS regressed
FROM ${this.table('error_events')} AS e
LEFT JOIN (
  SELECT Project, Fingerprint, argMax(Status, UpdatedAt) AS status, max(UpdatedAt) AS at
  FROM ${this.table('error_issues')} WHERE ${ident('tenant')} = ${param('String', tenant)} GROUP BY Project, Fingerprint
) AS s ON e.Project = s.Project AND e.Fingerprint = s.Fingerprint
WHERE ${all(where)}
GROUP BY e.Project, e.Fingerprint
HAVING ${all(having)}
ORDER BY ${order} LIMIT ${param('UInt32', q.limit)}`);
    return rows.map((r) => ({
      project: r.Project, fingerprint: r.Fingerprint, title: r.title, culprit: r.culprit, level: r.level, firstSeen: Number(r.first), lastSeen: Number(r.last),
      count: Number(r.n), users: Number(r.users), releases: r.releases, environments: r.environments, status: r.status, regressed: r.regressed === 1,
    }));
  }

  async issueEvents(tenant: string, project: string, fingerprint: string, limit: number): Promise<ErrorEventRecord[]> {
    const rows = await this.rows<{ Project: string; Fingerprint: string; EventId: string; t: string; Title: string; Level: string; Release: string; Environment: string; UserId: string; UserEmail: string; UserIp: string; UserName: string; Tags: Record<string, string>; Event: string }>(sql`
SELECT Project, Fingerprint, EventId, toUnixTimestamp64Milli(Timestamp) AS t, Title, Level, Release, Environment, UserId, UserEmail, UserIp, UserName, Tags, Event
FROM ${this.table('error_events')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('Project')} = ${param('String', project)} AND ${ident('Fingerprint')} = ${param('String', fingerprint)}
ORDER BY ${ident('Timestamp')} DESC LIMIT ${param('UInt32', limit)}`);
    return rows.map((r) => ({
      project: r.Project, fingerprint: r.Fingerprint, eventId: r.EventId, time: Number(r.t), title: r.Title, level: r.Level, release: r.Release, environment: r.Environment,
      user: { id: r.UserId, email: r.UserEmail, ip: r.UserIp, name: r.UserName }, tags: r.Tags, event: JSON.parse(r.Event) as unknown,
    }));
  }

  async issueCounts(tenant: string, project: string, fingerprint: string, range: TimeRange, stepMs: number): Promise<{ time: number; count: number }[]> {
    const rows = await this.rows<{ time: string; count: string }>(sql`
SELECT intDiv(toUnixTimestamp64Milli(Timestamp), ${param('Int64', stepMs)}) * ${param('Int64', stepMs)} AS time, count() AS count
FROM ${this.table('error_events')}
WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('Project')} = ${param('String', project)} AND ${ident('Fingerprint')} = ${param('String', fingerprint)}
  AND ${ident('Timestamp')} >= fromUnixTimestamp64Milli(${param('Int64', range.start)}) AND ${ident('Timestamp')} <= fromUnixTimestamp64Milli(${param('Int64', range.end)})
GROUP BY time ORDER BY time`);
    return rows.map((r) => ({ time: Number(r.time), count: Number(r.count) }));
  }

  async setIssueStatus(tenant: string, project: string, fingerprint: string, status: 'unresolved' | 'resolved' | 'ignored', release: string, at: number): Promise<void> {
    const w = new ByteWriter(128);
    for (const s of [tenant, project, fingerprint, status, release]) w.string(s);
    w.int64(BigInt(Math.round(at)));
    await this.conn.insertBinary({
      table: `\`${this.db}\`.\`error_issues\``, columns: ['tenant', 'Project', 'Fingerprint', 'Status', 'ResolvedInRelease', 'UpdatedAt'], format: 'RowBinary', pieces: [w.finish()],
      structure: 'tenant String, Project String, Fingerprint String, Status String, ResolvedInRelease String, UpdatedAt DateTime64(3)', dedupToken: `${tenant}:${project}:${fingerprint}:${at}:${status}`,
    });
  }
}
