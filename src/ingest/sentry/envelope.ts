/**
 * Sentry envelopes: a JSON header line, then items — an item header line (`type`, optional
 * `length` in bytes) and its payload (`length` bytes, or up to the next newline). See
 * https://develop.sentry.dev/sdk/data-model/envelopes/ for the format.
 */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

export interface EnvelopeItem {
  type: string;
  header: Record<string, unknown>;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

function json(buf: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new EnvelopeError(`${what} is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new EnvelopeError(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

export function parseEnvelope(body: Buffer): Envelope {
  let pos = 0;
  const line = (): Buffer | undefined => {
    if (pos >= body.length) return undefined;
    const nl = body.indexOf(0x0a, pos);
    const end = nl < 0 ? body.length : nl;
    const out = body.subarray(pos, end);
    pos = nl < 0 ? body.length : nl + 1;
    return out;
  };
  const first = line();
  if (!first || first.length === 0) throw new EnvelopeError('empty envelope');
  const header = json(first, 'envelope header');
  const items: EnvelopeItem[] = [];
  for (let n = 0; pos < body.length; n++) {
    const h = line();
    if (!h || h.length === 0 || (h.length === 1 && h[0] === 0x0d)) continue;
    const itemHeader = json(h, `item ${n} header`);
    const type = itemHeader.type;
    if (typeof type !== 'string' || type === '') throw new EnvelopeError(`item ${n} header has no type`);
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      const len = itemHeader.length;
      if (!Number.isInteger(len) || len < 0 || pos + len > body.length) throw new EnvelopeError(`item ${n} (${type}): length ${len} runs past the end of the envelope`);
      payload = body.subarray(pos, pos + len);
      pos += len;
      if (body[pos] === 0x0a) pos++;
    } else {
      payload = line() ?? Buffer.alloc(0);
    }
    items.push({ type, header: itemHeader, payload });
  }
  return { header, items };
}

/** The `sentry_key` of a request: the query string, or the `X-Sentry-Auth` / `Authorization: Sentry …` header. */
export function sentryKey(query: ReadonlyMap<string, readonly string[]>, headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const q = query.get('sentry_key')?.[0];
  if (q) return q;
  for (const name of ['x-sentry-auth', 'authorization']) {
    const v = headers[name];
    const text = Array.isArray(v) ? v[0] : v;
    const m = text ? /sentry_key\s*=\s*([^,\s]+)/.exec(text) : null;
    if (m) return m[1];
  }
  return undefined;
}
