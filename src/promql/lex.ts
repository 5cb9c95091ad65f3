import { parseDuration as durationMs } from '../util/duration.js';

/**
 * The PromQL lexer: the tokens of Prometheus's Go lexer (promql/parser/lex.go) with the same
 * rules for identifiers, keywords, numbers, durations and Go-quoted strings.
 */
export type TokenKind =
  | 'ident' | 'metric' | 'number' | 'duration' | 'string'
  | '(' | ')' | '{' | '}' | '[' | ']' | ',' | ':' | '@'
  | '=' | '=~' | '!~' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the unquoted value; for numbers: the text). */
  text: string;
  /** Offset in the query. */
  pos: number;
}

export class PromqlSyntaxError extends Error {
  constructor(readonly pos: number, message: string, query: string) {
    super(`${position(query, pos)}: parse error: ${message}`);
  }
}

/** Prometheus's `line:column` form (1-based). */
function position(query: string, pos: number): string {
  const before = query.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${line}:${col}`;
}

/** Milliseconds of a Prometheus duration (`1h30m`, `5m`, `100ms`); undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  try {
    return text === '0' ? undefined : durationMs(text);
  } catch {
    return undefined;
  }
}

/** Tokenizes the whole query; throws PromqlSyntaxError with Prometheus-like messages. */
export function lex(query: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let brackets = 0;
  const n = query.length;
  const fail = (pos: number, msg: string): never => {
    throw new PromqlSyntaxError(pos, msg, query);
  };
  while (i < n) {
    const c = query[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && query[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // Inside `[…]` a colon separates a subquery's range and step.
    if (c === ':' && brackets > 0) {
      out.push({ kind: ':', text: c, pos: start });
      i++;
      continue;
    }
    if (/[a-zA-Z_:]/.test(c)) {
      while (i < n && /[a-zA-Z0-9_:]/.test(query[i]!)) i++;
      const text = query.slice(start, i);
      out.push({ kind: text.includes(':') ? 'metric' : 'ident', text, pos: start });
      continue;
    }
    if (/[0-9.]/.test(c)) {
      const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/.exec(query.slice(i));
      if (!m) fail(i, `unexpected character: '${c}'`);
      let text = m![0];
      // A duration: digits followed by unit letters (and more digit/unit pairs).
      const d = /^\d+(?:ms|[ywdhms])(?:\d+(?:ms|[ywdhms]))*/.exec(query.slice(i));
      if (d && d[0].length > text.length && parseDuration(d[0]) !== undefined) {
        text = d[0];
        i += text.length;
        if (i < n && /[a-zA-Z0-9_]/.test(query[i]!)) fail(start, `bad duration syntax: "${query.slice(start, i + 1)}"`);
        out.push({ kind: 'duration', text, pos: start });
        continue;
      }
      i += text.length;
      if (i < n && /[a-zA-Z_]/.test(query[i]!)) fail(start, `bad number or duration syntax: "${query.slice(start, i + 1)}"`);
      out.push({ kind: 'number', text, pos: start });
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const [value, end] = readString(query, i, fail);
      out.push({ kind: 'string', text: value, pos: start });
      i = end;
      continue;
    }
    const two = query.slice(i, i + 2);
    if (['=~', '!~', '==', '!=', '<=', '>='].includes(two)) {
      out.push({ kind: two as TokenKind, text: two, pos: start });
      i += 2;
      continue;
    }
    if ('(){}[],:@=<>+-*/%^'.includes(c)) {
      if (c === '[') brackets++;
      if (c === ']') brackets = Math.max(0, brackets - 1);
      out.push({ kind: c as TokenKind, text: c, pos: start });
      i++;
      continue;
    }
    if (c === '!') fail(i, `unexpected character after '!': '${query[i + 1] ?? ''}'`);
    fail(i, `unexpected character: '${c}'`);
  }
  out.push({ kind: 'eof', text: '', pos: n });
  return out;
}

/** Reads a Go-syntax string literal starting at `i`; returns the value and the end offset. */
function readString(query: string, i: number, fail: (pos: number, msg: string) => never): [string, number] {
  const quote = query[i]!;
  let j = i + 1;
  if (quote === '`') {
    const end = query.indexOf('`', j);
    if (end < 0) fail(i, 'unterminated raw string');
    return [query.slice(j, end), end + 1];
  }
  let value = '';
  for (;;) {
    if (j >= query.length || query[j] === '\n') fail(i, 'unterminated quoted string');
    const ch = query[j]!;
    if (ch === quote) return [value, j + 1];
    if (ch !== '\\') {
      value += ch;
      j++;
      continue;
    }
    const e = query[j + 1];
    j += 2;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (e !== undefined && e in simple) {
      if ((e === '"' || e === "'") && e !== quote) fail(j - 2, `unknown escape sequence \\${e}`);
      value += simple[e]!;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = query.slice(j, j + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(j - 2, `invalid escape sequence \\${e}${hex}`);
      const code = parseInt(hex, 16);
      if (e === 'x') value += Buffer.from([code]).toString('latin1');
      else value += String.fromCodePoint(code);
      j += len;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = query.slice(j - 1, j + 2);
      if (!/^[0-7]{3}$/.test(oct)) fail(j - 2, `invalid escape sequence \\${oct}`);
      value += String.fromCharCode(parseInt(oct, 8));
      j += 2;
    } else fail(j - 2, `unknown escape sequence \\${e ?? ''}`);
  }
}
