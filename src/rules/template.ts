import { goG, goPrintf } from '../util/go-format.js';
import { formatDuration } from '../util/duration.js';
import { humanize, humanize1024, humanizeDuration } from './humanize.js';

/**
 * The part of Go's text/template that Prometheus alert labels and annotations use: text with
 * `{{ … }}` actions (`{{-`/`-}}` trim), pipelines `a | f b`, variables (`$value`, `$labels`,
 * `$externalLabels`, `$externalURL`, `$x := …`), fields (`.Value`, `.Labels.job`,
 * `$labels.job`), literals, parentheses, `if`/`else if`/`else`/`end`, comparison and logic
 * functions, and Prometheus's functions (humanize…, printf, toUpper, reReplaceAll, …).
 * Compiling checks the syntax (rule files are checked at load); `expand` fills one in.
 */
export interface TemplateData {
  labels: Record<string, string>;
  value: number;
  externalLabels: Record<string, string>;
  externalURL: string;
}

type Val = string | number | boolean | null | Record<string, string> | undefined;
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'assign'; name: string; pipe: Pipe }
  | { kind: 'if'; branches: { cond: Pipe; body: Node[] }[]; otherwise: Node[] };
type Pipe = Cmd[];
type Cmd = Arg[];
type Arg =
  | { kind: 'lit'; value: Val }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'field'; fields: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipe: Pipe };

export class TemplateError extends Error {}

const FUNCS: Record<string, (...a: Val[]) => Val> = {
  humanize: (v) => humanize(num(v)),
  humanize1024: (v) => humanize1024(num(v)),
  humanizeDuration: (v) => humanizeDuration(num(v)),
  humanizePercentage: (v) => `${goPrintf('%.4g', [num(v) * 100])}%`,
  humanizeTimestamp: (v) => new Date(num(v) * 1000).toISOString().replace('T', ' ').replace('Z', ' +0000 UTC'),
  printf: (f, ...a) => goPrintf(str(f), a.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : x))),
  toUpper: (s) => str(s).toUpperCase(),
  toLower: (s) => str(s).toLowerCase(),
  title: (s) => str(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  reReplaceAll: (re, repl, s) => str(s).replace(new RegExp(str(re), 'g'), str(repl).replace(/\$\{?(\w+)\}?/g, '$$<$1>').replace(/\$<(\d+)>/g, '$$$1')),
  match: (re, s) => new RegExp(str(re)).test(str(s)),
  stripPort: (s) => str(s).replace(/:\d+$/, ''),
  stripDomain: (s) => str(s).replace(/^([^.:]+)\.[^:]*/, '$1'),
  safeHtml: (s) => str(s),
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => cmp(a, b) < 0,
  le: (a, b) => cmp(a, b) <= 0,
  gt: (a, b) => cmp(a, b) > 0,
  ge: (a, b) => cmp(a, b) >= 0,
  and: (...a) => a.find((x) => !truth(x)) ?? a.at(-1),
  or: (...a) => a.find((x) => truth(x)) ?? a.at(-1),
  not: (a) => !truth(a),
  len: (a) => (typeof a === 'string' ? a.length : typeof a === 'object' && a !== null ? Object.keys(a).length : 0),
  index: (m, k) => (typeof m === 'object' && m !== null ? m[str(k)] ?? '' : undefined),
  toDuration: (v) => formatDuration(num(v) * 1000),
};

function num(v: Val): number {
  if (typeof v === 'number') return v;
  const n = Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(n)) return n;
  throw new TemplateError(`expected a number, got ${JSON.stringify(v)}`);
}
function str(v: Val): string {
  return show(v);
}
function cmp(a: Val, b: Val): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0;
}
function truth(v: Val): boolean {
  if (typeof v === 'object' && v !== null) return Object.keys(v).length > 0;
  return v !== undefined && v !== null && v !== false && v !== 0 && v !== '';
}
/** How Go prints a value with %v. */
function show(v: Val): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'number') return goG(v);
  if (typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${v[k]}`).join(' ')}]`;
  return String(v);
}

/** A compiled template; throws TemplateError on a syntax error. */
export class Template {
  private readonly nodes: Node[];

  constructor(readonly source: string) {
    this.nodes = new Parser(source).parse();
  }

  expand(data: TemplateData): string {
    const vars = new Map<string, Val>([['$value', data.value], ['$labels', data.labels], ['$externalLabels', data.externalLabels], ['$externalURL', data.externalURL]]);
    const dot: Record<string, Val> = { Value: data.value, Labels: data.labels, ExternalLabels: data.externalLabels, ExternalURL: data.externalURL };
    return run(this.nodes, vars, dot);
  }
}

function run(nodes: Node[], vars: Map<string, Val>, dot: Record<string, Val>): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'action') out += show(evalPipe(n.pipe, vars, dot));
    else if (n.kind === 'assign') vars.set(n.name, evalPipe(n.pipe, vars, dot));
    else {
      const branch = n.branches.find((b) => truth(evalPipe(b.cond, vars, dot)));
      out += run(branch ? branch.body : n.otherwise, vars, dot);
    }
  }
  return out;
}

function evalPipe(pipe: Pipe, vars: Map<string, Val>, dot: Record<string, Val>): Val {
  let prev: Val | typeof NONE = NONE;
  for (const cmd of pipe) prev = evalCmd(cmd, prev, vars, dot);
  return prev === NONE ? undefined : prev;
}

const NONE = Symbol('none');

function evalCmd(cmd: Cmd, piped: Val | typeof NONE, vars: Map<string, Val>, dot: Record<string, Val>): Val {
  const [head, ...rest] = cmd;
  const arg = (a: Arg): Val => {
    switch (a.kind) {
      case 'lit': return a.value;
      case 'var': return fields(vars.has(a.name) ? vars.get(a.name) : undefinedVar(a.name), a.fields);
      case 'field': return fields(dot, a.fields);
      case 'pipe': return evalPipe(a.pipe, vars, dot);
      case 'ident': {
        const f = FUNCS[a.name];
        if (!f) throw new TemplateError(`function "${a.name}" not defined`);
        return f();
      }
    }
  };
  if (head?.kind === 'ident') {
    const f = FUNCS[head.name];
    if (!f) throw new TemplateError(`function "${head.name}" not defined`);
    const args = rest.map(arg);
    if (piped !== NONE) args.push(piped);
    return f(...args);
  }
  if (rest.length > 0 || piped !== NONE) throw new TemplateError('can\'t give arguments to a non-function');
  return head ? arg(head) : undefined;
}

function undefinedVar(name: string): never {
  throw new TemplateError(`undefined variable "${name}"`);
}

function fields(v: Val | Record<string, Val>, path: string[]): Val {
  let cur: unknown = v;
  // A missing map key gives the empty string (Prometheus runs templates with missingkey=zero).
  for (const f of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, Val>)[f] ?? '' : undefined;
  return cur as Val;
}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(\$\w*(?:\.\w+)*)|((?:\.\w+)+|\.)|(:=)|(\|)|(\()|(\))|(\w+))/y;

/** Splits a template into text and actions, then actions into pipelines. */
class Parser {
  private pos = 0;
  private readonly declared = new Set(['$value', '$labels', '$externalLabels', '$externalURL', '$']);

  constructor(private readonly src: string) {}

  parse(): Node[] {
    const { nodes, end } = this.block();
    if (end !== 'eof') throw new TemplateError(`unexpected {{${end}}}`);
    return nodes;
  }

  /** Nodes up to `{{end}}`, `{{else…}}` or the end of input. */
  private block(): { nodes: Node[]; end: string; rest?: string } {
    const nodes: Node[] = [];
    for (;;) {
      const open = this.src.indexOf('{{', this.pos);
      let text = this.src.slice(this.pos, open < 0 ? undefined : open);
      if (open < 0) {
        if (text) nodes.push({ kind: 'text', text });
        this.pos = this.src.length;
        return { nodes, end: 'eof' };
      }
      const trimLeft = this.src.startsWith('{{-', open) && /\s/.test(this.src[open + 3] ?? '');
      if (trimLeft) text = text.trimEnd();
      if (text) nodes.push({ kind: 'text', text });
      const close = this.src.indexOf('}}', open);
      if (close < 0) throw new TemplateError('unclosed action');
      const trimRight = this.src[close - 1] === '-' && /\s/.test(this.src[close - 2] ?? '');
      const body = this.src.slice(open + (trimLeft ? 3 : 2), trimRight ? close - 1 : close).trim();
      this.pos = close + 2;
      if (trimRight) while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
      if (body.startsWith('/*')) continue;
      const word = /^(\w+)\b\s*(.*)$/s.exec(body);
      const keyword = word?.[1];
      if (keyword === 'end' || keyword === 'else') return { nodes, end: keyword, rest: word![2] };
      if (keyword === 'if') nodes.push(this.ifNode(word![2]!));
      else if (keyword === 'range' || keyword === 'with' || keyword === 'define' || keyword === 'template' || keyword === 'block') throw new TemplateError(`{{${keyword}}} is not supported in alert templates here`);
      else {
        const assign = /^(\$\w+)\s*:?=\s*(.*)$/s.exec(body);
        if (assign) {
          this.declared.add(assign[1]!);
          nodes.push({ kind: 'assign', name: assign[1]!, pipe: this.pipeline(assign[2]!) });
        } else nodes.push({ kind: 'action', pipe: this.pipeline(body) });
      }
    }
  }

  private ifNode(cond: string): Node {
    const branches: { cond: Pipe; body: Node[] }[] = [];
    let otherwise: Node[] = [];
    let pending = cond;
    for (;;) {
      const { nodes, end, rest } = this.block();
      branches.push({ cond: this.pipeline(pending), body: nodes });
      if (end === 'end') break;
      if (end !== 'else') throw new TemplateError('unexpected EOF: {{if}} without {{end}}');
      const elseIf = /^if\s+(.*)$/s.exec(rest ?? '');
      if (elseIf) {
        pending = elseIf[1]!;
        continue;
      }
      const tail = this.block();
      if (tail.end !== 'end') throw new TemplateError('unexpected EOF: {{else}} without {{end}}');
      otherwise = tail.nodes;
      break;
    }
    return { kind: 'if', branches, otherwise };
  }

  private pipeline(text: string): Pipe {
    const tokens = this.tokens(text);
    let i = 0;
    const pipe = (): Pipe => {
      const cmds: Pipe = [[]];
      while (i < tokens.length && tokens[i] !== ')') {
        const t = tokens[i++]!;
        if (t === '|') {
          if (cmds.at(-1)!.length === 0) throw new TemplateError(`missing command before "|" in "${text}"`);
          cmds.push([]);
        } else if (t === '(') {
          cmds.at(-1)!.push({ kind: 'pipe', pipe: pipe() });
          if (tokens[i++] !== ')') throw new TemplateError(`unclosed "(" in "${text}"`);
        } else cmds.at(-1)!.push(this.arg(t));
      }
      if (cmds.at(-1)!.length === 0) throw new TemplateError(`missing value in "${text}"`);
      return cmds;
    };
    const p = pipe();
    if (i < tokens.length) throw new TemplateError(`unexpected ")" in "${text}"`);
    return p;
  }

  private arg(t: string): Arg {
    if (t.startsWith('"')) return { kind: 'lit', value: JSON.parse(t) as string };
    if (t.startsWith('`')) return { kind: 'lit', value: t.slice(1, -1) };
    if (/^-?\d/.test(t)) return { kind: 'lit', value: Number(t) };
    if (t === 'true' || t === 'false') return { kind: 'lit', value: t === 'true' };
    if (t === 'nil') return { kind: 'lit', value: null };
    if (t.startsWith('$')) {
      const [name, ...f] = t.split('.');
      if (!this.declared.has(name!)) throw new TemplateError(`undefined variable "${name}"`);
      return { kind: 'var', name: name!, fields: f };
    }
    if (t.startsWith('.')) return { kind: 'field', fields: t === '.' ? [] : t.slice(1).split('.') };
    if (!FUNCS[t]) throw new TemplateError(`function "${t}" not defined`);
    return { kind: 'ident', name: t };
  }

  private tokens(text: string): string[] {
    const out: string[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
      if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
      const m = TOKEN.exec(text);
      if (!m) throw new TemplateError(`bad syntax in "${text}" at "${text.slice(TOKEN.lastIndex)}"`);
      out.push(m.slice(1).find((g) => g !== undefined)!);
    }
    return out;
  }
}
