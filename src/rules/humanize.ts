import { goG } from '../promql/annotations.js';

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

function scaled(v: number, units: string[], base: number, up: boolean): [number, string] {
  let prefix = '';
  let x = v;
  for (const u of units) {
    if (up ? Math.abs(x) < base : Math.abs(x) >= 1) break;
    prefix = u;
    x = up ? x / base : x * base;
  }
  return [x, prefix];
}

/** Prometheus's `humanize`: SI prefixes, 4 significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goGPrec(v, 4);
  const [x, p] = Math.abs(v) >= 1 ? scaled(v, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'], 1000, true) : scaled(v, ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'], 1000, false);
  return `${goGPrec(x, 4)}${p}`;
}

/** Prometheus's `humanize1024`: binary prefixes (ki, Mi, …). */
export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goGPrec(v, 4);
  const [x, p] = scaled(v, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'], 1024, true);
  return `${goGPrec(x, 4)}${p}`;
}

/** Prometheus's `humanizeDuration` of seconds: `1d 2h 3m 4s`, or `1.5s`, `250ms`. */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return goGPrec(v, 4);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const d = Math.trunc(abs);
    const [s, m, h, days] = [d % 60, Math.trunc(d / 60) % 60, Math.trunc(d / 3600) % 24, Math.trunc(d / 86400)];
    if (days !== 0) return `${sign}${days}d ${h}h ${m}m ${s}s`;
    if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
    if (m !== 0) return `${sign}${m}m ${s}s`;
    return `${sign}${goGPrec(abs, 4)}s`;
  }
  const [x, p] = scaled(v, ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'], 1000, false);
  return `${goGPrec(x, 4)}${p}s`;
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
