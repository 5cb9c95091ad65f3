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

/** A scrubbed copy of `value` (the event): nested objects and arrays are walked. */
export function scrub(value: unknown, o: ScrubOptions, key = ''): unknown {
  if (key !== '' && o.fields.some((f) => containsWords(words(key), words(f)))) return '[Filtered]';
  if (typeof value === 'string') {
    let s = value.replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? '[Filtered card]' : m));
    if (o.emails) s = s.replace(EMAIL, '[Filtered email]');
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, o));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, key === '' && k === 'user' ? v : scrub(v, o, k)]));
  }
  return value;
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
