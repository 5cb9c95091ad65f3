import type { AtModifier, Expr, VectorSelector } from './ast.js';
import { formatDuration } from '../util/duration.js';
import { formatValue } from './value.js';

/** A duration the way Prometheus prints one; offsets may be negative. */
function duration(ms: number): string {
  return (ms < 0 ? '-' : '') + formatDuration(Math.abs(ms));
}

function modifiers(offsetMs: number, at: AtModifier | undefined): string {
  let out = '';
  if (at !== undefined) out += at === 'start' || at === 'end' ? ` @ ${at}()` : ` @ ${(at / 1000).toFixed(3)}`;
  if (offsetMs !== 0) out += ` offset ${duration(offsetMs)}`;
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
    case 'matrix': return `${selector(e.selector)}[${duration(e.rangeMs)}]${modifiers(e.selector.offsetMs, e.selector.at)}`;
    case 'subquery': return `${format(e.expr)}[${duration(e.rangeMs)}:${e.stepMs ? duration(e.stepMs) : ''}]${modifiers(e.offsetMs, e.at)}`;
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
