import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { parseDuration } from '../util/duration.js';
import { matcherOf, parseMatcher, type AmMatcher } from './matchers.js';
import { buildReceivers, type Integration } from './receivers.js';
import { parseTimeIntervals, type TimeIntervalEntry } from './time-intervals.js';

/** A node of Alertmanager's routing tree, settings already inherited from its parents. */
export interface Route {
  receiver: string;
  matchers: AmMatcher[];
  /** Label names alerts are grouped by; `['...']` groups by all labels. */
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  continue: boolean;
  /** Named time intervals in which this route sends nothing (not inherited, as in Alertmanager). */
  muteTimeIntervals: string[];
  /** When set, this route sends only while one of these intervals holds (not inherited). */
  activeTimeIntervals: string[];
  /** Firing, unacknowledged alerts still firing this long after they started also go to `receiver` (inherited). */
  escalations: Escalation[];
  routes: Route[];
}

export interface Escalation {
  afterMs: number;
  receiver: string;
}

export interface InhibitRule {
  source: AmMatcher[];
  target: AmMatcher[];
  equal: string[];
}

export interface AmConfig {
  route: Route;
  inhibitRules: InhibitRule[];
  receivers: string[];
  /** The integrations of each receiver (webhook, …), see receivers.ts. */
  integrations: Map<string, Integration[]>;
  /** Named time intervals (`time_intervals` and `mute_time_intervals`). */
  timeIntervals: Map<string, TimeIntervalEntry[]>;
  original: string;
}

const DEFAULT_ROUTE: Route = { receiver: 'default', matchers: [], groupBy: [], groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3_600_000, continue: false, muteTimeIntervals: [], activeTimeIntervals: [], escalations: [], routes: [] };

/** The configuration when none is given: every alert to the receiver `default`. */
export const DEFAULT_AM_CONFIG: AmConfig = { route: DEFAULT_ROUTE, inhibitRules: [], receivers: ['default'], integrations: new Map([['default', []]]), timeIntervals: new Map(), original: '' };

/** The configuration in `file` ('' = DEFAULT_AM_CONFIG), or its problems. */
export function loadAmConfigFile(file: string): { config?: AmConfig; errors: string[] } {
  if (!file) return { config: DEFAULT_AM_CONFIG, errors: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { errors: [`${file}: cannot read: ${(err as Error).message}`] };
  }
  return parseAmConfig(text, file);
}

/**
 * Reads an Alertmanager configuration file: the routing tree (`receiver`, `group_by`,
 * `group_wait`, `group_interval`, `repeat_interval`, `matchers`, the older `match`/`match_re`,
 * `continue`, nested `routes`), `inhibit_rules` and the receiver names. Problems come back with
 * file, line and column; receivers referenced by routes must exist.
 */
export function parseAmConfig(text: string, file: string): { config?: AmConfig; errors: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const errors: string[] = [];
  const at = (node: unknown, message: string) => {
    const range = (node as Node | undefined)?.range;
    const pos = range ? lines.linePos(range[0]) : { line: 1, col: 1 };
    errors.push(`${file}:${pos.line}:${pos.col}: ${message}`);
  };
  for (const e of doc.errors) at({ range: e.pos }, e.message.split('\n')[0]!);
  if (errors.length) return { errors };
  const root = doc.contents;
  if (!isMap(root)) return { errors: [`${file}:1:1: an Alertmanager configuration is a map`] };
  const receivers: string[] = [];
  const recNode = root.get('receivers', true);
  if (isSeq(recNode)) {
    for (const r of recNode.items) {
      const name = isMap(r) ? r.get('name') : undefined;
      if (typeof name !== 'string' || !name) at(r, 'a receiver needs a name');
      else if (receivers.includes(name)) at(r, `notification config name "${name}" is not unique`);
      else receivers.push(name);
    }
  }
  const routeNode = root.get('route', true);
  if (!isMap(routeNode)) {
    at(routeNode ?? root, 'no route provided in config');
    return { errors };
  }
  const route = readRoute(routeNode, { ...DEFAULT_ROUTE, receiver: '' }, at, true);
  const js = doc.toJS() as { receivers?: Record<string, unknown>[]; time_intervals?: unknown; mute_time_intervals?: unknown };
  const intervals = parseTimeIntervals([js.time_intervals, js.mute_time_intervals]);
  errors.push(...intervals.errors.map((e) => `${file}: ${e}`));
  const check = (r: Route, node: YAMLMap) => {
    if (!receivers.includes(r.receiver)) at(node.get('receiver', true) ?? node, `undefined receiver "${r.receiver}" used in route`);
    for (const e of r.escalations) if (!receivers.includes(e.receiver)) at(node.get('escalations', true) ?? node, `undefined receiver "${e.receiver}" used in escalations`);
    for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
      for (const name of key === 'mute_time_intervals' ? r.muteTimeIntervals : r.activeTimeIntervals) {
        if (!intervals.intervals.has(name)) at(node.get(key, true), `undefined time interval "${name}" used in route`);
      }
    }
  };
  walk(route, routeNode, check);
  const inhibitRules: InhibitRule[] = [];
  const inhNode = root.get('inhibit_rules', true);
  if (isSeq(inhNode)) {
    inhNode.items.forEach((r, i) => {
      if (!isMap(r)) {
        at(r, `inhibit_rules[${i}] must be a map`);
        return;
      }
      inhibitRules.push({ source: matcherList(r, 'source', at), target: matcherList(r, 'target', at), equal: strings(r.get('equal', true), at) });
    });
  }
  const built = buildReceivers((js.receivers ?? []).filter((r) => typeof r.name === 'string'));
  errors.push(...built.errors.map((e) => `${file}: ${e}`));
  return errors.length ? { errors } : { config: { route, inhibitRules, receivers, integrations: built.receivers, timeIntervals: intervals.intervals, original: text }, errors };
}

type At = (node: unknown, message: string) => void;

function walk(r: Route, node: YAMLMap, f: (r: Route, node: YAMLMap) => void): void {
  f(r, node);
  const kids = node.get('routes', true);
  if (isSeq(kids)) r.routes.forEach((child, i) => { walk(child, kids.items[i] as YAMLMap, f); });
}

function readRoute(m: YAMLMap, parent: Route, at: At, root: boolean): Route {
  const receiver = text(m, 'receiver') ?? parent.receiver;
  if (root && !receiver) at(m, 'root route must specify a default receiver');
  if (root && (m.has('matchers') || m.has('match') || m.has('match_re'))) at(m, 'root route must not have any matchers');
  if (root && (m.has('mute_time_intervals') || m.has('active_time_intervals'))) at(m, 'root route must not have any mute or active time intervals');
  const dur = (key: string, inherited: number) => {
    const v = text(m, key);
    if (v === undefined) return inherited;
    try {
      const ms = parseDuration(v);
      if (ms <= 0) throw new Error('must be positive');
      return ms;
    } catch (err) {
      at(m.get(key, true), `${key}: ${(err as Error).message}`);
      return inherited;
    }
  };
  const route: Route = {
    receiver,
    matchers: matcherList(m, '', at),
    groupBy: m.has('group_by') ? strings(m.get('group_by', true), at) : parent.groupBy,
    groupWaitMs: dur('group_wait', parent.groupWaitMs),
    groupIntervalMs: dur('group_interval', parent.groupIntervalMs),
    repeatIntervalMs: dur('repeat_interval', parent.repeatIntervalMs),
    continue: m.get('continue') === true,
    muteTimeIntervals: strings(m.get('mute_time_intervals', true), at),
    activeTimeIntervals: strings(m.get('active_time_intervals', true), at),
    escalations: m.has('escalations') ? escalations(m.get('escalations', true), at) : parent.escalations,
    routes: [],
  };
  const kids = m.get('routes', true);
  if (isSeq(kids)) for (const k of kids.items) if (isMap(k)) route.routes.push(readRoute(k, route, at, false));
  return route;
}

/** `escalations: [{ after: 30m, receiver: name }]`, in order of `after`. */
function escalations(node: unknown, at: At): Escalation[] {
  if (node === null || node === undefined) return [];
  if (!isSeq(node)) {
    at(node, 'escalations must be a list');
    return [];
  }
  const out: Escalation[] = [];
  for (const item of node.items) {
    const after = isMap(item) ? item.get('after') : undefined;
    const receiver = isMap(item) ? item.get('receiver') : undefined;
    if (typeof receiver !== 'string' || receiver === '' || typeof after !== 'string') {
      at(item, 'an escalation needs `after` (a duration) and `receiver`');
      continue;
    }
    try {
      out.push({ afterMs: parseDuration(after), receiver });
    } catch (err) {
      at(item, `after: ${(err as Error).message}`);
    }
  }
  return out.sort((a, b) => a.afterMs - b.afterMs);
}

/** `<prefix>matchers` (strings like `a="b"`), plus the older `<prefix>match` and `<prefix>match_re` maps. */
function matcherList(m: YAMLMap, prefix: string, at: At): AmMatcher[] {
  const out: AmMatcher[] = [];
  const key = prefix ? `${prefix}_` : '';
  for (const item of strings(m.get(`${key}matchers`, true), at)) {
    try {
      out.push(parseMatcher(item));
    } catch (err) {
      at(m.get(`${key}matchers`, true), (err as Error).message);
    }
  }
  for (const [k, isRegex] of [[`${key}match`, false], [`${key}match_re`, true]] as const) {
    const node = m.get(k, true);
    if (!isMap(node)) continue;
    for (const p of node.items) {
      try {
        out.push(matcherOf({ name: isScalar(p.key) ? String(p.key.value) : '', value: isScalar(p.value) ? String(p.value.value) : '', isRegex }, k));
      } catch (err) {
        at(p.key, (err as Error).message);
      }
    }
  }
  return out;
}

function strings(node: unknown, at: At): string[] {
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) {
    at(node, 'must be a list');
    return [];
  }
  return node.items.map((i) => (isScalar(i) ? String(i.value) : ''));
}

function text(m: YAMLMap, key: string): string | undefined {
  const v = m.get(key);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
