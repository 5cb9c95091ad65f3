import { createHash } from 'node:crypto';

/** A stack frame as Sentry events carry it (only the fields grouping looks at). */
export interface Frame {
  filename?: string;
  module?: string;
  function?: string;
  in_app?: boolean;
}

export interface GroupingInput {
  exceptions: { type: string; value: string; frames: Frame[] }[];
  message: string;
  /** The SDK's `fingerprint`; `{{ default }}` stands for the default grouping. */
  fingerprint?: string[];
}

/** A message with its variable parts masked: UUIDs, hex ids, emails, IPs, numbers. */
export function normalizeMessage(text: string): string {
  return text
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
    .replace(/\d+(\.\d+)?/g, '<num>');
}

/** A frame's place without line, column or build-specific parts of its path. */
function frameKey(f: Frame): string {
  const where = f.module ?? (f.filename ?? '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^(file:\/\/)?.*\/(src|lib|dist|app)\//, '$2/')
    .replace(/[?#].*$/, '')
    .replace(/\.[0-9a-f]{8,}\./g, '.');
  return `${where}:${f.function ?? '?'}`;
}

/** The components of the default grouping: exception types and in-app frames, else the message. */
function defaultComponents(e: GroupingInput): string[] {
  const withFrames = e.exceptions.filter((x) => x.frames.length > 0);
  if (withFrames.length > 0) {
    return e.exceptions.flatMap((x) => {
      const inApp = x.frames.filter((f) => f.in_app === true);
      const frames = inApp.length > 0 ? inApp : x.frames;
      return [`type:${x.type}`, ...frames.map(frameKey)];
    });
  }
  if (e.exceptions.length > 0) return e.exceptions.map((x) => `type:${x.type}:${normalizeMessage(x.value)}`);
  return [`message:${normalizeMessage(e.message)}`];
}

/**
 * The fingerprint of an error event (32 hex digits): the SDK's fingerprint when it sends one,
 * else exception types plus normalized stack frames (in-app frames only when there are any; line
 * numbers and addresses ignored), else the normalized message.
 */
export function fingerprintOf(e: GroupingInput): string {
  const components = e.fingerprint && e.fingerprint.length > 0
    ? e.fingerprint.flatMap((p) => (p === '{{ default }}' || p === '{{default}}' ? defaultComponents(e) : [`custom:${p}`]))
    : defaultComponents(e);
  return createHash('sha256').update(components.join('\n')).digest('hex').slice(0, 32);
}
