/** Go's fmt/strconv number formatting, where PromQL and templates must print as Prometheus does. */

/** Go's %g for a float64. */
export function goG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const exp = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(x);
}

/**
 * x with `p` decimals as Go prints it: exact ties round to even (JavaScript's toFixed rounds
 * them up: 42.25 → "42.3" where Go gives "42.2").
 */
export function goFixed(x: number, p: number): string {
  const s = x.toFixed(p);
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return s;
  const long = x.toFixed(Math.min(100, p + 40));
  const tail = long.slice(long.length - 40);
  if (!/^50*$/.test(tail)) return s;
  // A tie: keep the truncated digits when the last one is even.
  const truncated = long.slice(0, long.length - 40).replace(/\.$/, '');
  const last = Number(truncated.at(-1));
  return last % 2 === 0 ? truncated : s;
}

/** Go's %.Ng (N significant digits, trailing zeros dropped, exponent as e+06). */
export function goGPrec(v: number, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const p = Math.max(1, prec);
  const exp = Number(v.toExponential(p - 1).split('e')[1]);
  if (exp < -4 || exp >= p) {
    const [m, e] = v.toExponential(p - 1).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const sign = e.startsWith('-') ? '-' : '+';
    return `${mant}e${sign}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  const fixed = goFixed(v, Math.max(0, p - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

const VERB = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([vsdfgeqxX%])/g;

/** Go's fmt.Sprintf for the verbs templates use: %v %s %d %f %g %e %q %x and %%. */
export function goPrintf(format: string, args: unknown[]): string {
  let next = 0;
  return format.replace(VERB, (_all, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const a = args[next++];
    const p = prec === undefined ? undefined : Number(prec);
    let s: string;
    if (typeof a === 'number') {
      switch (verb) {
        case 'd': s = Number.isInteger(a) ? String(a) : `%!d(float64=${goG(a)})`; break;
        case 'f': s = Number.isFinite(a) ? goFixed(a, p ?? 6) : goG(a); break;
        case 'e': s = Number.isFinite(a) ? a.toExponential(p ?? 6).replace(/e([-+])(\d)$/, 'e$10$2') : goG(a); break;
        case 'g': s = p === undefined ? goG(a) : goGPrec(a, p); break;
        case 'x': case 'X': s = Number.isInteger(a) ? a.toString(16) : goG(a); break;
        case 'q': s = `%!q(float64=${goG(a)})`; break;
        default: s = goG(a);
      }
    } else {
      const text = typeof a === 'string' ? a : a === undefined || a === null ? '<nil>' : typeof a === 'boolean' ? String(a) : JSON.stringify(a);
      s = verb === 'q' ? JSON.stringify(text) : verb === 's' || verb === 'v' ? (p === undefined ? text : text.slice(0, p)) : `%!${verb}(string=${text})`;
    }
    if (verb === 'X') s = s.toUpperCase();
    const w = width === undefined ? 0 : Number(width);
    if (s.length >= w) return s;
    if (flags.includes('-')) return s.padEnd(w);
    return flags.includes('0') && typeof a === 'number' ? (s.startsWith('-') ? `-${s.slice(1).padStart(w - 1, '0')}` : s.padStart(w, '0')) : s.padStart(w);
  });
}
