import type { AlertEvent, AlertEventQuery, AlertHistoryStorage, NotificationAttempt, NotificationQuery } from '../interface.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { matcherSetsCondition } from './matchers.js';
import { database, ident, join, param, sql, type Fragment } from './sql.js';

const EVENT_COLUMNS = ['tenant', 'unix_milli', 'rule', 'rule_group', 'fingerprint', 'labels', 'state', 'previous', 'value', 'active_at', 'source'] as const;
const EVENT_STRUCTURE = 'tenant String, unix_milli Int64, rule String, rule_group String, fingerprint String, labels Map(String, String), state String, previous String, value Float64, active_at Int64, source String';
const ATTEMPT_COLUMNS = ['tenant', 'unix_milli', 'receiver', 'integration', 'group_key', 'status', 'fingerprints', 'rules', 'outcome', 'error', 'attempt'] as const;
const ATTEMPT_STRUCTURE = 'tenant String, unix_milli Int64, receiver String, integration String, group_key String, status String, fingerprints Array(String), rules Array(String), outcome String, error String, attempt UInt32';

/** JSON for a Float64 column: ClickHouse reads NaN and ±Inf as strings. */
const float = (v: number) => (Number.isFinite(v) ? v : String(v).replace('Infinity', 'inf').toLowerCase());

/** A Float64 as ClickHouse's toString writes it (JSON output would turn NaN and ±Inf into null). */
function parseFloatText(t: string): number {
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return t.endsWith('nan') ? Number.NaN : Number(t);
}

/**
 * The alerting history tables (`alert_events`, `notification_log`): rows go in as JSONEachRow
 * (a few per evaluation, nothing hot), reads filter by time range, rule, labels, receiver.
 */
export class AlertHistory implements AlertHistoryStorage {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private insert(table: 'alert_events' | 'notification_log', columns: readonly string[], structure: string, rows: readonly Record<string, unknown>[], token: string): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    return this.conn.insertBinary({ table: `\`${this.db}\`.\`${table}\``, columns, structure, format: 'JSONEachRow', pieces: [Buffer.from(text)], dedupToken: `${token}:${table}` });
  }

  writeAlertEvents(tenant: string, events: readonly AlertEvent[], token: string): Promise<void> {
    return this.insert('alert_events', EVENT_COLUMNS, EVENT_STRUCTURE, events.map((e) => ({
      tenant, unix_milli: e.time, rule: e.rule, rule_group: e.group, fingerprint: e.fingerprint, labels: e.labels,
      state: e.state, previous: e.previous, value: float(e.value), active_at: e.activeAt, source: e.source,
    })), token);
  }

  writeNotificationAttempts(tenant: string, attempts: readonly NotificationAttempt[], token: string): Promise<void> {
    return this.insert('notification_log', ATTEMPT_COLUMNS, ATTEMPT_STRUCTURE, attempts.map((a) => ({
      tenant, unix_milli: a.time, receiver: a.receiver, integration: a.integration, group_key: a.groupKey, status: a.status,
      fingerprints: a.fingerprints, rules: a.rules, outcome: a.outcome, error: a.error, attempt: a.attempt,
    })), token);
  }

  async alertEvents(tenant: string, q: AlertEventQuery): Promise<AlertEvent[]> {
    const where: Fragment[] = [...this.common(tenant, q), sql`(${matcherSetsCondition(q.matcherSets)})`];
    if (q.rule !== undefined) where.push(sql`${ident('rule')} = ${param('String', q.rule)}`);
    const rows = await this.rows<{ unix_milli: string; rule: string; rule_group: string; fingerprint: string; labels: Record<string, string>; state: AlertEvent['state']; previous: string; value: string; active_at: string; source: AlertEvent['source'] }>(
      sql`SELECT unix_milli, rule, rule_group, fingerprint, labels, state, previous, toString(value) AS value, active_at, source FROM ${database(this.db)}.${ident('alert_events')} WHERE ${join(where, sql` AND `)} ORDER BY unix_milli DESC LIMIT ${param('UInt32', q.limit)}`,
    );
    return rows.map((r) => ({
      time: Number(r.unix_milli), rule: r.rule, group: r.rule_group, fingerprint: r.fingerprint, labels: r.labels, state: r.state,
      previous: r.previous, value: parseFloatText(r.value), activeAt: Number(r.active_at), source: r.source,
    }));
  }

  async notificationAttempts(tenant: string, q: NotificationQuery): Promise<NotificationAttempt[]> {
    const where = this.common(tenant, q);
    if (q.receiver !== undefined) where.push(sql`${ident('receiver')} = ${param('String', q.receiver)}`);
    if (q.outcome !== undefined) where.push(sql`${ident('outcome')} = ${param('String', q.outcome)}`);
    if (q.rule !== undefined) where.push(sql`has(${ident('rules')}, ${param('String', q.rule)})`);
    const rows = await this.rows<{ unix_milli: string; receiver: string; integration: string; group_key: string; status: NotificationAttempt['status']; fingerprints: string[]; rules: string[]; outcome: NotificationAttempt['outcome']; error: string; attempt: number }>(
      sql`SELECT unix_milli, receiver, integration, group_key, status, fingerprints, rules, outcome, error, attempt FROM ${database(this.db)}.${ident('notification_log')} WHERE ${join(where, sql` AND `)} ORDER BY unix_milli DESC LIMIT ${param('UInt32', q.limit)}`,
    );
    return rows.map((r) => ({
      time: Number(r.unix_milli), receiver: r.receiver, integration: r.integration, groupKey: r.group_key, status: r.status,
      fingerprints: r.fingerprints, rules: r.rules, outcome: r.outcome, error: r.error, attempt: r.attempt,
    }));
  }

  private common(tenant: string, q: { range: { start: number; end: number } }): Fragment[] {
    return [
      sql`${ident('tenant')} = ${param('String', tenant)}`,
      sql`${ident('unix_milli')} >= ${param('Int64', q.range.start)}`,
      sql`${ident('unix_milli')} <= ${param('Int64', q.range.end)}`,
    ];
  }

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }
}
