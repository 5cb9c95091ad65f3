/**
 * Product analytics messages as PostHog's and Segment's HTTP APIs carry them, read into one
 * shape: an event name, who did it, when, and its properties; identify merges an anonymous id
 * into a known one and sets person properties.
 */
export interface AnalyticsEvent {
  event: string;
  distinctId: string;
  anonymousId: string;
  sessionId: string;
  uuid: string;
  /** ms; undefined = the time of arrival. */
  timestamp: number | undefined;
  properties: Record<string, unknown>;
  /** Person properties to set (identify traits, `$set`). */
  set: Record<string, unknown>;
  /** An earlier (anonymous) id of the same person. */
  mergeFrom: string;
  source: 'posthog' | 'segment';
}

export class MessageError extends Error {
  override readonly name = 'MessageError';
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function time(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(str(v));
  if (!Number.isFinite(ms)) throw new MessageError(`${where}: timestamp ${JSON.stringify(v)} is not a time`);
  return ms;
}

/** One PostHog event (`/capture`, an entry of `/batch`). */
export function posthogEvent(m: unknown, where: string): AnalyticsEvent {
  const o = obj(m);
  const props = { ...obj(o.properties) };
  const event = str(o.event);
  if (!event) throw new MessageError(`${where}: missing event name`);
  const distinctId = str(o.distinct_id) || str(props.distinct_id) || str(o.$distinct_id);
  if (!distinctId) throw new MessageError(`${where}: missing distinct_id`);
  const set = { ...obj(props.$set_once), ...obj(props.$set), ...obj(o.$set) };
  delete props.$set;
  delete props.$set_once;
  return {
    event, distinctId, anonymousId: event === '$identify' ? str(props.$anon_distinct_id) : '', sessionId: str(props.$session_id), uuid: str(o.uuid),
    timestamp: time(o.timestamp, where), properties: props, set, mergeFrom: event === '$identify' || event === '$create_alias' ? str(props.$anon_distinct_id) || str(props.alias) : '', source: 'posthog',
  };
}

/** One Segment message (`/v1/track`, `/v1/identify`, `/v1/page`, `/v1/screen`, an entry of `/v1/batch`); null for kinds not stored (group, alias). */
export function segmentEvent(m: unknown, where: string, type?: string): AnalyticsEvent | null {
  const o = obj(m);
  const kind = type ?? str(o.type);
  const userId = str(o.userId);
  const anonymousId = str(o.anonymousId);
  if (!userId && !anonymousId) throw new MessageError(`${where}: missing userId or anonymousId`);
  const base = { distinctId: userId || anonymousId, anonymousId, sessionId: str(obj(o.context).sessionId) || str(obj(o.properties).sessionId), uuid: str(o.messageId), timestamp: time(o.timestamp ?? o.originalTimestamp, where), mergeFrom: '', source: 'segment' as const };
  switch (kind) {
    case 'track': {
      const event = str(o.event);
      if (!event) throw new MessageError(`${where}: missing event name`);
      return { ...base, event, properties: obj(o.properties), set: {} };
    }
    case 'page':
    case 'screen':
      return { ...base, event: kind === 'page' ? '$pageview' : '$screen', properties: { ...obj(o.properties), ...(o.name ? { name: o.name } : {}), ...(o.category ? { category: o.category } : {}) }, set: {} };
    case 'identify':
      return { ...base, event: '$identify', properties: {}, set: obj(o.traits), mergeFrom: userId && anonymousId ? anonymousId : '' };
    case 'group':
    case 'alias':
      return null;
    default:
      throw new MessageError(`${where}: unknown message type ${JSON.stringify(kind)}`);
  }
}
