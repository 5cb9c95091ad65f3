import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { PromqlSyntaxError } from '../promql/lex.js';
import { parse } from '../promql/parse.js';
import type { Expr } from '../promql/ast.js';
import { parseDuration } from '../util/duration.js';
import { Template, TemplateError } from './template.js';

/** A recording rule: `expr` evaluated and written back as series named `record`. */
export interface RecordingRule {
  kind: 'recording';
  record: string;
  expr: Expr;
  exprText: string;
  labels: Record<string, string>;
}

/** An alerting rule, as Prometheus's rule files define it. */
export interface AlertingRule {
  kind: 'alerting';
  alert: string;
  expr: Expr;
  exprText: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  file: string;
  /** 0: the global evaluation interval. */
  intervalMs: number;
  /** 0: no limit on alerts or series a rule may produce. */
  limit: number;
  queryOffsetMs: number;
  rules: Rule[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'query_offset', 'rules']);
const RULE_KEYS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

/**
 * Reads a Prometheus rule file (`groups:` of recording and alerting rules) and checks it as
 * `promtool check rules` does. Every problem is reported with file, line and column; the groups
 * are returned only when there is none.
 */
export function parseRuleFile(text: string, file: string): { groups: RuleGroup[]; errors: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const errors: string[] = [];
  const at = (node: Node | null | undefined, message: string) => {
    const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    errors.push(`${file}:${pos.line}:${pos.col}: ${message}`);
  };
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    errors.push(`${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`);
  }
  if (errors.length) return { groups: [], errors };
  const root = doc.contents;
  if (root === null) return { groups: [], errors };
  if (!isMap(root)) {
    at(root, 'a rule file is a map with a "groups" list');
    return { groups: [], errors };
  }
  for (const p of root.items) if (keyOf(p) !== 'groups') at(p.key, `field ${keyOf(p)} not found in a rule file (only "groups")`);
  const list = root.get('groups', true);
  if (list !== undefined && !isSeq(list)) at(list, '"groups" must be a list');
  const groups: RuleGroup[] = [];
  const names = new Set<string>();
  for (const g of isSeq(list) ? list.items : []) {
    if (!isMap(g)) {
      at(g as Node, 'a group is a map with "name" and "rules"');
      continue;
    }
    const group = readGroup(g, file, at);
    if (!group) continue;
    if (names.has(group.name)) at(g.get('name', true), `groupname: "${group.name}" is repeated in the same file`);
    names.add(group.name);
    groups.push(group);
  }
  return errors.length ? { groups: [], errors } : { groups, errors };
}

type At = (node: Node | null | undefined, message: string) => void;

function keyOf(p: Pair): string {
  return isScalar(p.key) ? String(p.key.value) : String(p.key);
}

function readGroup(g: YAMLMap, file: string, at: At): RuleGroup | undefined {
  for (const p of g.items) if (!GROUP_KEYS.has(keyOf(p))) at(p.key as Node, `field ${keyOf(p)} not found in a rule group`);
  const name = scalar(g, 'name', at);
  if (!name) {
    at(g, 'groupname must not be empty');
    return undefined;
  }
  const where = `group "${name}"`;
  const intervalMs = duration(g, 'interval', where, at);
  const queryOffsetMs = duration(g, 'query_offset', where, at);
  const limitText = scalar(g, 'limit', at);
  const limit = limitText === undefined ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) at(g.get('limit', true), `${where}: limit must be a non-negative integer, got "${limitText}"`);
  const rulesNode = g.get('rules', true);
  const rules: Rule[] = [];
  if (rulesNode !== undefined && !isSeq(rulesNode)) at(rulesNode, `${where}: "rules" must be a list`);
  (isSeq(rulesNode) ? rulesNode.items : []).forEach((r, i) => {
    const rule = isMap(r) ? readRule(r, `${where}, rule ${i + 1}`, at) : (at(r as Node, `${where}, rule ${i + 1}: a rule is a map`), undefined);
    if (rule) rules.push(rule);
  });
  return { name, file, intervalMs, limit, queryOffsetMs, rules };
}

function readRule(r: YAMLMap, where: string, at: At): Rule | undefined {
  for (const p of r.items) if (!RULE_KEYS.has(keyOf(p))) at(p.key as Node, `${where}: field ${keyOf(p)} not found in a rule`);
  const record = scalar(r, 'record', at);
  const alert = scalar(r, 'alert', at);
  if (record === undefined && alert === undefined) { at(r, `${where}: one of 'record' or 'alert' must be set`); return; }
  if (record !== undefined && alert !== undefined) { at(r, `${where}: only one of 'record' and 'alert' must be set`); return; }
  const name = (record ?? alert)!;
  const named = `${where}, "${name}"`;
  const exprText = scalar(r, 'expr', at);
  let expr: Expr | undefined;
  if (exprText === undefined || exprText.trim() === '') at(r, `${named}: field 'expr' must be set in rule`);
  else {
    try {
      expr = parse(exprText);
    } catch (err) {
      if (!(err instanceof PromqlSyntaxError)) throw err;
      at(r.get('expr', true), `${named}: could not parse expression: ${err.message}`);
    }
  }
  const labels = stringMap(r, 'labels', named, at, (k) => (k === '__name__' ? 'label name "__name__" is not allowed' : LABEL_NAME.test(k) ? undefined : `invalid label name: ${k}`));
  if (record !== undefined) {
    if (!METRIC_NAME.test(record)) at(r.get('record', true), `${named}: invalid recording rule name: ${record}`);
    for (const field of ['for', 'keep_firing_for', 'annotations']) if (r.has(field)) at(r.get(field, true), `${named}: invalid field '${field}' in recording rule`);
    return expr ? { kind: 'recording', record, expr, exprText: exprText!, labels } : undefined;
  }
  if (alert === '') at(r.get('alert', true), `${where}: alert name must not be empty`);
  const forMs = duration(r, 'for', named, at);
  const keepFiringForMs = duration(r, 'keep_firing_for', named, at);
  const annotations = stringMap(r, 'annotations', named, at, (k) => (LABEL_NAME.test(k) ? undefined : `invalid annotation name: ${k}`));
  checkTemplates(r, 'labels', labels, named, at);
  checkTemplates(r, 'annotations', annotations, named, at);
  return expr ? { kind: 'alerting', alert: alert!, expr, exprText: exprText!, forMs, keepFiringForMs, labels, annotations } : undefined;
}

/** Label values and annotations of alerting rules are templates: they must compile. */
function checkTemplates(r: YAMLMap, key: string, values: Record<string, string>, where: string, at: At): void {
  for (const [name, text] of Object.entries(values)) {
    try {
      new Template(text);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const node = r.get(key, true);
      at(isMap(node) ? (node.get(name, true)) : r, `${where}: ${key === 'labels' ? 'label' : 'annotation'} "${name}": template: ${err.message}`);
    }
  }
}

/** A scalar field as text (numbers and booleans as written); undefined when absent. */
function scalar(m: YAMLMap, key: string, at: At): string | undefined {
  const node = m.get(key, true);
  if (node === undefined || node === null) return undefined;
  if (!isScalar(node)) {
    at(node, `field "${key}" must be a single value`);
    return undefined;
  }
  return node.value === null ? undefined : text(node.value);
}

function duration(m: YAMLMap, key: string, where: string, at: At): number {
  const text = scalar(m, key, at);
  if (text === undefined) return 0;
  try {
    const ms = parseDuration(text);
    if (ms < 0) throw new Error('negative');
    return ms;
  } catch {
    at(m.get(key, true), `${where}: "${key}" is not a valid duration: "${text}"`);
    return 0;
  }
}

function stringMap(m: YAMLMap, key: string, where: string, at: At, badName: (k: string) => string | undefined): Record<string, string> {
  const node = m.get(key, true);
  const out: Record<string, string> = {};
  if (node === undefined || node === null) return out;
  if (!isMap(node)) {
    at(node, `${where}: "${key}" must be a map of names to values`);
    return out;
  }
  for (const p of node.items) {
    const k = keyOf(p);
    const problem = badName(k);
    if (problem) at(p.key as Node, `${where}: ${problem}`);
    if (!isScalar(p.value)) at((p.value ?? p.key) as Node, `${where}: the value of "${k}" must be a string`);
    else out[k] = p.value.value === null ? '' : text(p.value.value);
  }
  return out;
}

/** A YAML scalar's value as the text Prometheus would see (numbers and booleans as written). */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
