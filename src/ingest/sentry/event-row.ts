import { randomUUID } from 'node:crypto';
import { fingerprintOf, type Frame } from '../../errors/grouping.js';
import { ByteWriter } from '../../storage/byte-writer.js';
import type { TablePayload } from '../../storage/row-tables.js';

/** What one error event becomes: its `error_events` row fields. */
export interface ErrorEventRow {
  timestampMs: number;
  eventId: string;
  fingerprint: string;
  title: string;
  culprit: string;
  level: string;
  platform: string;
  release: string;
  environment: string;
  serverName: string;
  message: string;
  exceptionType: string;
  exceptionValue: string;
  user: { id: string; email: string; ip: string; name: string };
  tags: [string, string][];
  /** The whole event as received (stack traces, breadcrumbs, contexts), JSON. */
  event: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

/** An event's time: `timestamp` as Unix seconds (float) or RFC 3339; undefined when absent or unreadable. */
function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
    const ms = Date.parse(v.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  return undefined;
}

function messageOf(e: Obj): string {
  if (typeof e.message === 'string') return e.message;
  const m = obj(e.message);
  const l = obj(e.logentry);
  return str(m.formatted) || str(m.message) || str(l.formatted) || str(l.message);
}

/**
 * Reads a Sentry event (the payload of an `event` item, or a `/store/` body) into a row: the
 * fingerprint from grouping.ts, a title (`Type: value`, or the message), the culprit (the
 * crashing in-app frame), user, tags, release, environment. `nowMs` stands in for a missing time.
 */
export function errorEventRow(event: Obj, nowMs: number): ErrorEventRow {
  const exceptionField = event.exception;
  // Synthetic exceptions (captureMessage with a stack) are not errors of their own: the message groups and names the event.
  const values = (Array.isArray(exceptionField) ? exceptionField : Array.isArray(obj(exceptionField).values) ? obj(exceptionField).values as unknown[] : [])
    .map(obj).filter((x) => obj(x.mechanism).synthetic !== true);
  const exceptions = values.map((x) => ({
    type: str(x.type) || 'Error',
    value: str(x.value),
    frames: (Array.isArray(obj(x.stacktrace).frames) ? (obj(x.stacktrace).frames as unknown[]) : []).map(obj).map((f): Frame & { lineno?: number } => ({
      ...(typeof f.filename === 'string' ? { filename: f.filename } : {}),
      ...(typeof f.module === 'string' ? { module: f.module } : {}),
      ...(typeof f.function === 'string' ? { function: f.function } : {}),
      ...(typeof f.in_app === 'boolean' ? { in_app: f.in_app } : {}),
    })),
  }));
  const message = messageOf(event);
  const fingerprint = Array.isArray(event.fingerprint) ? event.fingerprint.map(str).filter(Boolean) : undefined;
  // The exception that was thrown is the last one (earlier ones are its causes).
  const main = exceptions.at(-1);
  const crashing = main ? [...main.frames].reverse().find((f) => f.in_app) ?? main.frames.at(-1) : undefined;
  const user = obj(event.user);
  const tagsField = event.tags;
  const tags: [string, string][] = Array.isArray(tagsField)
    ? tagsField.filter((t): t is unknown[] => Array.isArray(t) && t.length === 2).map((t) => [str(t[0]), str(t[1])])
    : Object.entries(obj(tagsField)).map(([k, v]) => [k, str(v)]);
  const title = main ? (main.value ? `${main.type}: ${main.value}` : main.type) : message || '<unlabeled event>';
  const eventId = str(event.event_id).replace(/-/g, '').toLowerCase();
  return {
    timestampMs: timeOf(event.timestamp) ?? nowMs,
    eventId: /^[0-9a-f]{32}$/.test(eventId) ? eventId : randomUUID().replace(/-/g, ''),
    fingerprint: fingerprintOf({ exceptions, message, ...(fingerprint && fingerprint.length > 0 ? { fingerprint } : {}) }),
    title: title.slice(0, 1000),
    culprit: str(event.culprit) || (crashing ? `${crashing.function ?? '?'} (${crashing.module ?? crashing.filename ?? '?'})` : ''),
    level: str(event.level) || 'error',
    platform: str(event.platform),
    release: str(event.release),
    environment: str(event.environment),
    serverName: str(event.server_name),
    message,
    exceptionType: main?.type ?? '',
    exceptionValue: main?.value ?? '',
    user: { id: str(user.id), email: str(user.email), ip: str(user.ip_address), name: str(user.username) },
    tags,
    event: JSON.stringify(event),
  };
}

/** Encodes error event rows of one tenant and project as RowBinary in the `error_events` layout. */
export function errorEventPayload(tenant: string, project: string, rows: readonly ErrorEventRow[]): TablePayload[] {
  if (rows.length === 0) return [];
  const w = new ByteWriter(4096);
  for (const r of rows) {
    w.string(tenant);
    w.string(project);
    w.int64(BigInt(r.timestampMs));
    for (const s of [r.eventId, r.fingerprint, r.title, r.culprit, r.level, r.platform, r.release, r.environment, r.serverName, r.message, r.exceptionType, r.exceptionValue, r.user.id, r.user.email, r.user.ip, r.user.name]) w.string(s);
    w.pairs(r.tags);
    w.string(r.event);
  }
  return [{ table: 'error_events', rows: rows.length, data: w.finish() }];
}
