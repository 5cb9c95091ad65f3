import { randomUUID } from 'node:crypto';
import { readJson, writeJson } from '../util/json-file.js';
import { type AmMatcher, matchesAll } from './matchers.js';

export type Labels = Readonly<Record<string, string>>;

/** An alert as Alertmanager keeps it (received from rules or from another Prometheus). */
export interface AmAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  generatorURL: string;
}

/** Without an end time, an alert is resolved this long after its last update (Alertmanager's resolve_timeout). */
export const RESOLVE_TIMEOUT_MS = 5 * 60_000;

/** Resolved alerts are kept this long, so that their groups can still notify them (Alertmanager's alerts GC interval). */
export const RESOLVED_RETENTION_MS = 30 * 60_000;

/** A label set's identity (Alertmanager calls it the fingerprint; hex of a 64-bit hash). */
export function fingerprint(labels: Labels): string {
  let h = 0xcbf29ce484222325n;
  for (const k of Object.keys(labels).sort()) {
    for (const ch of `${k}\u00ff${labels[k]}\u00ff`) {
      h ^= BigInt(ch.codePointAt(0)!);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

/** An alert received through the API started firing (at its start) or resolved (at its end). */
export interface AlertChange {
  fingerprint: string;
  alert: AmAlert;
  state: 'firing' | 'resolved';
  at: number;
}

/**
 * Received alerts by fingerprint; a repeat of the same label set updates it. Alerts that come
 * through the Alertmanager API (not from our own rules, whose history the rule engine records)
 * report when they start firing and when they resolve to `onChange`.
 */
export class AlertStore {
  private readonly alerts = new Map<string, AmAlert>();
  /** The last state reported for each API alert. */
  private readonly reported = new Map<string, 'firing' | 'resolved'>();

  constructor(private readonly onChange?: (c: AlertChange) => void) {}

  put(a: AmAlert, origin: 'rule' | 'api' = 'rule'): void {
    const fp = fingerprint(a.labels);
    const old = this.alerts.get(fp);
    // An alert that was resolved and comes back starts over; a running one keeps its start.
    const startsAt = old && old.endsAt > a.startsAt ? Math.min(old.startsAt, a.startsAt) : a.startsAt;
    const stored = { ...a, startsAt };
    this.alerts.set(fp, stored);
    if (origin === 'api') this.report(fp, stored, stored.endsAt > a.updatedAt ? 'firing' : 'resolved');
  }

  private report(fp: string, alert: AmAlert, state: 'firing' | 'resolved'): void {
    const before = this.reported.get(fp);
    if (before === state || (before === undefined && state === 'resolved')) return;
    this.reported.set(fp, state);
    this.onChange?.({ fingerprint: fp, alert, state, at: state === 'firing' ? alert.startsAt : alert.endsAt });
  }

  /** Alerts not yet resolved at `now`. */
  active(now: number): { fingerprint: string; alert: AmAlert }[] {
    return this.list(now).filter((a) => a.alert.endsAt > now);
  }

  /** Every alert kept: the active ones and those resolved in the last 30 minutes (older are dropped). */
  list(now: number): { fingerprint: string; alert: AmAlert }[] {
    const out: { fingerprint: string; alert: AmAlert }[] = [];
    for (const [fp, a] of this.alerts) {
      if (a.endsAt <= now && this.reported.get(fp) === 'firing') this.report(fp, a, 'resolved');
      if (a.endsAt <= now && now - a.endsAt > RESOLVED_RETENTION_MS) {
        this.alerts.delete(fp);
        this.reported.delete(fp);
      } else {
        out.push({ fingerprint: fp, alert: a });
      }
    }
    return out;
  }
}

export interface Silence {
  id: string;
  matchers: AmMatcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export function silenceState(s: Silence, now: number): SilenceState {
  return s.endsAt <= now ? 'expired' : s.startsAt > now ? 'pending' : 'active';
}

/** Silences, kept in a JSON file (replaced atomically and durably) so they survive restarts. */
export class SilenceStore {
  private readonly silences = new Map<string, Silence>();

  constructor(private readonly file: string) {
    for (const s of readJson<Silence[]>(file, [])) this.silences.set(s.id, s);
  }

  /** Creates a silence, or replaces the one with the same id; returns its id. */
  put(s: Omit<Silence, 'id' | 'updatedAt'> & { id?: string }, now: number): string {
    if (s.id && !this.silences.has(s.id)) throw new Error(`silence ${s.id} not found`);
    const id = s.id ?? randomUUID();
    this.silences.set(id, { ...s, id, updatedAt: now });
    this.save();
    return id;
  }

  get(id: string): Silence | undefined {
    return this.silences.get(id);
  }

  list(): Silence[] {
    return [...this.silences.values()];
  }

  /** Ends a silence now; false if there is none with that id or it already ended. */
  expire(id: string, now: number): boolean {
    const s = this.silences.get(id);
    if (!s || s.endsAt <= now) return false;
    this.silences.set(id, { ...s, endsAt: now, startsAt: Math.min(s.startsAt, now), updatedAt: now });
    this.save();
    return true;
  }

  /** Ids of the active silences whose matchers all match `labels`. */
  silencing(labels: Labels, now: number): string[] {
    return this.list().filter((s) => silenceState(s, now) === 'active' && matchesAll(s.matchers, labels)).map((s) => s.id);
  }

  private save(): void {
    writeJson(this.file, this.list());
  }
}
