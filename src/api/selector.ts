import type { LabelMatcher, MatchType } from '../storage/interface.js';
import { ApiError } from './errors.js';

/**
 * Parses a series selector as used by `match[]`: `metric`, `metric{a="b",c=~"d"}` or `{a!="b"}`.
 * Strings take Go escapes in "…" and '…', none in `…`. At least one matcher must not match the
 * empty string, as in Prometheus.
 */
export function parseSelector(text: string): LabelMatcher[] {
  const p = new SelectorParser(text);
  const matchers = p.parse();
  if (!matchers.some((m) => !matchesEmpty(m))) {
    throw new ApiError('BAD_PARAMETER', `invalid selector "${text}": vector selector must contain at least one non-empty matcher`);
  }
  return matchers;
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=': return m.value === '';
    case '!=': return m.value !== '';
    case '=~': return safeRegex(m.value).test('');
    case '!~': return !safeRegex(m.value).test('');
  }
}

function safeRegex(re: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`, 's');
  } catch {
    return /^$/; // RE2-only syntax: ClickHouse validates it; treat as possibly-empty-matching
  }
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;

class SelectorParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  private fail(msg: string): never {
    throw new ApiError('BAD_PARAMETER', `invalid selector "${this.text}": ${msg} at position ${this.pos}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private ident(labelName: boolean): string {
    const start = this.pos;
    const first = this.text[this.pos];
    if (first === undefined || !NAME_START.test(first) || (labelName && first === ':')) this.fail('expected a name');
    while (this.pos < this.text.length && NAME_CHAR.test(this.text[this.pos]!) && !(labelName && this.text[this.pos] === ':')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  parse(): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    this.ws();
    if (this.text[this.pos] !== '{') out.push({ name: '__name__', type: '=', value: this.ident(false) });
    this.ws();
    if (this.text[this.pos] === '{') {
      this.pos++;
      for (;;) {
        this.ws();
        if (this.text[this.pos] === '}') break;
        const name = this.text[this.pos] === '"' ? this.string() : this.ident(true);
        this.ws();
        const op = this.op();
        this.ws();
        out.push({ name, type: op, value: this.string() });
        this.ws();
        if (this.text[this.pos] === ',') this.pos++;
        else if (this.text[this.pos] !== '}') this.fail('expected "," or "}"');
      }
      this.pos++;
    }
    this.ws();
    if (this.pos !== this.text.length) this.fail('unexpected characters after the selector');
    if (out.length === 0) this.fail('empty selector');
    return out;
  }

  private op(): MatchType {
    for (const op of ['=~', '!~', '!=', '='] as const) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return this.fail('expected one of =, !=, =~, !~');
  }

  private string(): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'" && quote !== '`') this.fail('expected a quoted string');
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.fail('unterminated string');
      if (c === quote) return out;
      if (c === '\\' && quote !== '`') {
        const e = this.text[this.pos++];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (e !== undefined && simple[e] !== undefined) out += simple[e];
        else if (e === 'u' || e === 'x' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = this.text.slice(this.pos, this.pos + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad escape');
          out += String.fromCodePoint(parseInt(hex, 16));
          this.pos += len;
        } else this.fail(`unknown escape "\\${e ?? ''}"`);
      } else out += c;
    }
  }
}
