import type { AtModifier, Expr, VectorSelector } from './ast.js';
import { formatValue } from './value.js';

const UNITS: [string, number][] = [['y', 365 * 86_400_000], ['w', 7 * 86_400_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/** A duration the way Prometheus prints one (`1h30m`, `90s` as `1m30s`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

function modifiers(offsetMs: number, at: AtModifier | undefined): string {
  let out = '';
  if (at !== undefined) out += at === 'start' || at === 'end' ? ` @ ${at}()` : ` @ ${(at / 1000).toFixed(3)}`;
  if (offsetMs !== 0) out += ` offset ${formatDuration(offsetMs)}`;
  return out;
}

function selector(s: VectorSelector): string {
  const rest = s.matchers.filter((m) => !(s.name !== undefined && m.name === '__name__' && m.type === '=' && m.value === s.name));
  const inner = rest.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ');
  return `${s.name ?? ''}${inner || s.name === undefined ? `{${inner}}` : ''}`;
}

function grouping(labels: string[]): string {
  return `(${labels.join(', ')})`;
}

/** The canonical text of an expression, as Prometheus's String() prints it. */
export function format(e: Expr): string {
  switch (e.kind) {
    case 'number': return formatValue(e.value).replace('+Inf', 'Inf');
    case 'string': return JSON.stringify(e.value);
    case 'vector': return selector(e) + modifiers(e.offsetMs, e.at);
    case 'matrix': return `${selector(e.selector)}[${formatDuration(e.rangeMs)}]${modifiers(e.selector.offsetMs, e.selector.at)}`;
    case 'subquery': return `${format(e.expr)}[${formatDuration(e.rangeMs)}:${e.stepMs ? formatDuration(e.stepMs) : ''}]${modifiers(e.offsetMs, e.at)}`;
    case 'paren': return `(${format(e.expr)})`;
    case 'unary': return `${e.op}${format(e.expr)}`;
    case 'call': return `${e.func}(${e.args.map(format).join(', ')})`;
    case 'aggregate': {
      const mod = e.grouping.length > 0 || e.without ? ` ${e.without ? 'without' : 'by'} ${grouping(e.grouping)} ` : '';
      return `${e.op}${mod}(${e.param ? `${format(e.param)}, ` : ''}${format(e.expr)})`;
    }
    case 'binary': {
      let op = e.op as string;
      if (e.returnBool) op += ' bool';
      const m = e.matching;
      if (m && (m.on || m.labels.length > 0)) op += ` ${m.on ? 'on' : 'ignoring'} ${grouping(m.labels)}`;
      if (m?.card === 'many-to-one' || m?.card === 'one-to-many') op += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'} ${grouping(m.include)}`;
      return `${format(e.lhs)} ${op} ${format(e.rhs)}`;
    }
  }
}
