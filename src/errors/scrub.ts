/**
 * Scrubbing of sensitive data in error and analytics events before they are stored: values of
 * keys with a secret-looking word (`password`, `token`, `authorization`, …; `access_token`,
 * `X-Api-Key`, `sessionId` match, `input_tokens` does not) become `[Filtered]`, and card numbers
 * (13–19 digits, optionally grouped) in any string are masked. The user block is left alone:
 * it is what error tracking is for.
 */
export interface ScrubOptions {
  /** Key names (case-insensitive substrings) whose values are removed. */
  fields: readonly string[];
  /** Also mask e-mail addresses in strings outside the user block. */
  emails: boolean;
}

export const DEFAULT_SCRUB_FIELDS = ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'authorization', 'cookie', 'session', 'card_number', 'credit_card', 'cvv', 'ssn'];

/** A key's words: split at `-`, `_`, `.`, spaces and camelCase humps, lowercased (`X-Api-Key` → x, api, key). */
function words(k: string): string[] {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[-_.\s]+/).filter(Boolean);
}

/** Whether `field`'s words appear in order, next to each other, among `key`'s (`input_tokens` is not `token`). */
function containsWords(key: readonly string[], field: readonly string[]): boolean {
  if (field.length === 0) return false;
  for (let i = 0; i + field.length <= key.length; i++) if (field.every((w, j) => key[i + j] === w)) return true;
  // A field written as one word also matches the key's words run together (`apikey` ~ `api_key`).
  return field.length === 1 && key.join('') === field[0];
}

const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;

/**
 * Scrubs values with one set of options; which keys are secret is decided once per key name
 * (keys repeat from event to event), and only strings with a run of four digits are searched for
 * card numbers — this runs on every ingested event.
 */
export class Scrubber {
  private readonly fields: string[][];
  private readonly secret = new Map<string, boolean>();

  constructor(private readonly o: ScrubOptions) {
    this.fields = o.fields.map(words).filter((w) => w.length > 0);
  }

  private isSecret(key: string): boolean {
    let v = this.secret.get(key);
    if (v === undefined) {
      const kw = words(key);
      v = this.fields.some((f) => containsWords(kw, f));
      if (this.secret.size < 10_000) this.secret.set(key, v);
    }
    return v;
  }

  /** A scrubbed copy of `value` (the event); the top-level `user` block is kept as it is. */
  scrub(value: unknown, key = ''): unknown {
    if (key !== '' && this.isSecret(key)) return '[Filtered]';
    if (typeof value === 'string') {
      let s = /\d{4}/.test(value) ? value.replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? '[Filtered card]' : m)) : value;
      if (this.o.emails && s.includes('@')) s = s.replace(EMAIL, '[Filtered email]');
      return s;
    }
    if (Array.isArray(value)) return value.map((v) => this.scrub(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = key === '' && k === 'user' ? v : this.scrub(v, k);
      return out;
    }
    return value;
  }
}

/** A scrubbed copy of `value` with `o` (one-off use; ingest keeps a Scrubber). */
export function scrub(value: unknown, o: ScrubOptions): unknown {
  return new Scrubber(o).scrub(value);
}

/** The Luhn check: only digit runs that pass it are card numbers. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
