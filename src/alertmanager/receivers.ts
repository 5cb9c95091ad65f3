import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { Notification } from './dispatch.js';
import { matchesAll, parseMatcher } from './matchers.js';
import type { Labels } from './store.js';

/** One way of delivering notifications (a `<type>_configs` entry of a receiver). */
export interface Integration {
  type: string;
  /** Whether resolved alerts are sent (`send_resolved`); when not, only firing ones are. */
  sendResolved: boolean;
  send(n: Notification, externalURL: string): Promise<void>;
  /**
   * Whether alerts with these labels go through this integration: the entry's optional
   * `severities` (values of the `severity` label) and `matchers` (all must match).
   */
  accepts(labels: Labels): boolean;
}

type Factory = (raw: Record<string, unknown>, where: string) => Omit<Integration, 'accepts'>;

/**
 * Integrations by their key in a receiver (`webhook_configs`, …): a new channel is a new entry
 * here, nothing else changes.
 */
export const INTEGRATIONS: Readonly<Record<string, Factory>> = {
  webhook_configs: webhook,
  slack_configs: chat('slack'),
  discord_configs: chat('discord'),
  console_configs: consoleOut,
  pagerduty_configs: pagerduty,
  email_configs: email,
};

/** Colours by severity label, as chat messages show them. */
const COLOURS: Record<string, string> = { critical: '#d62728', error: '#d62728', warning: '#ff7f0e', info: '#1f77b4' };

function colour(n: Notification): string {
  if (n.status === 'resolved') return '#2ca02c';
  return COLOURS[n.commonLabels.severity ?? ''] ?? '#ff7f0e';
}

function title(n: Notification): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const name = n.groupLabels.alertname ?? n.commonLabels.alertname ?? Object.values(n.groupLabels).join(' ');
  return `[${n.status.toUpperCase()}${n.status === 'firing' ? `:${firing}` : ''}] ${name}`;
}

function lines(n: Notification): string[] {
  return n.alerts.map((a) => {
    const what = a.alert.annotations.summary ?? a.alert.annotations.description ?? Object.entries(a.alert.labels).map(([k, v]) => `${k}=${v}`).join(', ');
    return `${a.status === 'resolved' ? 'resolved' : 'firing'}: ${what}`;
  });
}

/** POSTs JSON; an unreachable receiver or an error status becomes an error naming the URL and why. */
async function post(url: string, body: unknown, what: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const e = err as Error & { cause?: Error };
    throw new Error(`${what} ${url} unreachable: ${e.cause?.message ?? e.message}`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new Error(`${what} ${url} answered ${res.status}`);
}

/** Slack incoming webhooks (`api_url`) and Discord webhooks (`webhook_url`): a coloured message with fields. */
function chat(kind: 'slack' | 'discord'): Factory {
  return (raw, where) => {
    const url = kind === 'slack' ? raw.api_url : raw.webhook_url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`${where}: ${kind === 'slack' ? 'api_url' : 'webhook_url'} must be an http(s) URL`);
    return {
      type: kind,
      sendResolved: raw.send_resolved === true, // Alertmanager's default for chat and email integrations
      send: async (n, externalURL) => {
        const fields = Object.entries(n.commonLabels).map(([k, v]) => ({ k, v }));
        const text = lines(n).join('\n');
        const body = kind === 'slack'
          ? { ...(typeof raw.channel === 'string' ? { channel: raw.channel } : {}), attachments: [{ color: colour(n), title: title(n), title_link: externalURL, text, fields: fields.map((f) => ({ title: f.k, value: f.v, short: true })) }] }
          : { embeds: [{ title: title(n), url: externalURL, description: text, color: Number.parseInt(colour(n).slice(1), 16), fields: fields.map((f) => ({ name: f.k, value: f.v, inline: true })) }] };
        await post(url, body, kind);
      },
    };
  };
}

/**
 * PagerDuty Events API v2: `trigger` while the group fires, `resolve` when it resolved, with the
 * group key (hashed) as dedup key so both reach the same incident. `routing_key` required; `url`
 * defaults to PagerDuty's endpoint.
 */
function pagerduty(raw: Record<string, unknown>, where: string): Omit<Integration, 'accepts'> {
  const key = raw.routing_key;
  if (typeof key !== 'string' || key === '') throw new Error(`${where}: routing_key is required`);
  const url = typeof raw.url === 'string' ? raw.url : 'https://events.pagerduty.com/v2/enqueue';
  return {
    type: 'pagerduty',
    sendResolved: raw.send_resolved !== false,
    send: async (n, externalURL) => {
      const dedup = createHash('sha256').update(n.groupKey).digest('hex');
      const severity = ['critical', 'error', 'warning', 'info'].includes(n.commonLabels.severity ?? '') ? n.commonLabels.severity! : 'error';
      const body = n.status === 'resolved'
        ? { routing_key: key, event_action: 'resolve', dedup_key: dedup }
        : { routing_key: key, event_action: 'trigger', dedup_key: dedup, client: 'allseer', client_url: externalURL, payload: { summary: title(n), source: externalURL, severity, custom_details: { firing: lines(n).join('\n'), ...n.commonLabels } } };
      await post(url, body, 'pagerduty');
    },
  };
}

const escapeHtml = (t: string) => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Email over SMTP (nodemailer): `to`, `from`, `smarthost` (host:port), optional `auth_username`
 * / `auth_password`, `require_tls` (STARTTLS, default true as in Alertmanager). HTML and text
 * bodies list the alerts with their labels and annotations.
 */
function email(raw: Record<string, unknown>, where: string): Omit<Integration, 'accepts'> {
  const [to, from, smarthost] = [raw.to, raw.from, raw.smarthost];
  if (typeof to !== 'string' || !to.includes('@')) throw new Error(`${where}: to must be an email address`);
  if (typeof from !== 'string' || !from.includes('@')) throw new Error(`${where}: from must be an email address`);
  const m = typeof smarthost === 'string' ? /^(.+):(\d+)$/.exec(smarthost) : null;
  if (!m) throw new Error(`${where}: smarthost must be host:port`);
  const transport = createTransport({
    host: m[1], port: Number(m[2]), secure: false,
    requireTLS: raw.require_tls !== false, ignoreTLS: raw.require_tls === false,
    ...(typeof raw.auth_username === 'string' ? { auth: { user: raw.auth_username, pass: typeof raw.auth_password === 'string' ? raw.auth_password : '' } } : {}),
    tls: { rejectUnauthorized: !(raw.tls_config as { insecure_skip_verify?: boolean } | undefined)?.insecure_skip_verify },
  });
  return {
    type: 'email',
    sendResolved: raw.send_resolved === true,
    send: async (n, externalURL) => {
      const rows = n.alerts.map((a) => ({ status: a.status, labels: Object.entries(a.alert.labels).map(([k, v]) => `${k}=${v}`).join(', '), notes: Object.entries(a.alert.annotations).map(([k, v]) => `${k}: ${v}`).join('\n') }));
      const text = `${title(n)}\n\n${rows.map((r) => `[${r.status}] ${r.labels}\n${r.notes}`).join('\n\n')}\n\n${externalURL}\n`;
      const html = `<h2 style="color:${colour(n)}">${escapeHtml(title(n))}</h2><table>${rows.map((r) => `<tr><td><b>${r.status}</b></td><td>${escapeHtml(r.labels)}<br><pre>${escapeHtml(r.notes)}</pre></td></tr>`).join('')}</table><p><a href="${escapeHtml(externalURL)}">${escapeHtml(externalURL)}</a></p>`;
      await transport.sendMail({ from, to, subject: title(n), text, html });
    },
  };
}

/** Writes each notification as one JSON line to standard output (the console/log channel). */
function consoleOut(): Omit<Integration, 'accepts'> {
  return {
    type: 'console',
    sendResolved: true,
    send: (n) => {
      process.stdout.write(`${JSON.stringify({ msg: 'alert notification', receiver: n.receiver, status: n.status, title: title(n), alerts: lines(n) })}\n`);
      return Promise.resolve();
    },
  };
}

/** The integrations of every receiver, or the problems of their configurations. */
export function buildReceivers(raw: readonly Record<string, unknown>[]): { receivers: Map<string, Integration[]>; errors: string[] } {
  const receivers = new Map<string, Integration[]>();
  const errors: string[] = [];
  for (const r of raw) {
    const name = String(r.name);
    const list: Integration[] = [];
    for (const [key, value] of Object.entries(r)) {
      if (key === 'name') continue;
      const factory = INTEGRATIONS[key];
      if (!factory) {
        errors.push(`receiver "${name}": ${key} is not supported (supported: ${Object.keys(INTEGRATIONS).join(', ')})`);
        continue;
      }
      (Array.isArray(value) ? value : [value]).forEach((c, i) => {
        const where = `receiver "${name}": ${key}[${i}]`;
        try {
          const { severities, matchers, ...raw } = (c ?? {}) as Record<string, unknown>;
          list.push({ ...factory(raw, where), accepts: filter(severities, matchers, where) });
        } catch (err) {
          errors.push((err as Error).message);
        }
      });
    }
    receivers.set(name, list);
  }
  return { receivers, errors };
}

/** The per-integration filter: `severities: [critical, warning]` and `matchers: ['team="db"']`. */
function filter(severities: unknown, matchers: unknown, where: string): (labels: Labels) => boolean {
  const list = (x: unknown, key: string): string[] => {
    if (x === undefined || x === null) return [];
    if (!Array.isArray(x) || x.some((v) => typeof v !== 'string')) throw new Error(`${where}: ${key} must be a list of strings`);
    return x as string[];
  };
  const wanted = list(severities, 'severities');
  const ms = list(matchers, 'matchers').map((m) => {
    try {
      return parseMatcher(m);
    } catch (err) {
      throw new Error(`${where}: matchers: ${(err as Error).message}`);
    }
  });
  return (labels) => (wanted.length === 0 || wanted.includes(labels.severity ?? '')) && matchesAll(ms, labels);
}

/** Alertmanager's webhook (JSON version 4), with optional bearer or basic auth and headers. */
function webhook(raw: Record<string, unknown>, where: string): Omit<Integration, 'accepts'> {
  const url = raw.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`${where}: url must be an http(s) URL`);
  const maxAlerts = typeof raw.max_alerts === 'number' ? raw.max_alerts : 0;
  const http = (raw.http_config ?? {}) as { authorization?: { type?: string; credentials?: string }; basic_auth?: { username?: string; password?: string } };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'allseer-alertmanager' };
  if (http.authorization?.credentials) headers.Authorization = `${http.authorization.type ?? 'Bearer'} ${http.authorization.credentials}`;
  if (http.basic_auth?.username !== undefined) headers.Authorization = `Basic ${Buffer.from(`${http.basic_auth.username}:${http.basic_auth.password ?? ''}`).toString('base64')}`;
  for (const [k, v] of Object.entries((raw.headers ?? {}) as Record<string, string>)) headers[k] = v;
  return {
    type: 'webhook',
    sendResolved: raw.send_resolved !== false,
    send: async (n, externalURL) => {
      const alerts = n.alerts;
      const shown = maxAlerts > 0 ? alerts.slice(0, maxAlerts) : alerts;
      const body = {
        version: '4', groupKey: n.groupKey, truncatedAlerts: alerts.length - shown.length, status: n.status, receiver: n.receiver,
        groupLabels: n.groupLabels, commonLabels: n.commonLabels, commonAnnotations: n.commonAnnotations, externalURL,
        alerts: shown.map((a) => ({
          status: a.status, labels: a.alert.labels, annotations: a.alert.annotations, startsAt: new Date(a.alert.startsAt).toISOString(),
          endsAt: a.status === 'resolved' ? new Date(a.alert.endsAt).toISOString() : '0001-01-01T00:00:00Z', generatorURL: a.alert.generatorURL, fingerprint: a.fingerprint,
        })),
      };
      await post(url, body, 'webhook', headers);
    },
  };
}
