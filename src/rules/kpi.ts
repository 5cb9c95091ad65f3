import { PromqlSyntaxError } from '../promql/lex.js';
import { parse } from '../promql/parse.js';
import { formatValue } from '../promql/value.js';
import { parseDuration } from '../util/duration.js';
import type { AlertingRule, RuleGroup } from './rule-file.js';

/** A KPI threshold as configured (`kpis:` in the config file). */
/** A threshold level: the KPI is outside it below `min` or above `max`. */
export interface Bounds { min?: number; max?: number }

export interface Kpi {
  name: string;
  /** PromQL; '' when the KPI is an event metric (`event`), which is reported but not alerted on. */
  query: string;
  event?: { name: string; measure: string; property?: string };
  unit?: string;
  period?: string;
  warning?: Bounds;
  critical?: Bounds;
  for: string;
  /** A duration; becomes the rules' `cooldown` annotation, which the dispatcher honours. */
  cooldown?: string;
  labels: Record<string, string>;
  description: string;
}

const LEVELS = ['warning', 'critical'] as const;

/**
 * KPI thresholds turned into an ordinary rule group named "kpis": per KPI and level, an
 * alerting rule `(query) < min or (query) > max` with `severity` set to the level, the KPI's
 * labels, its `for`, and annotations saying which threshold was crossed. Problems are returned
 * with the KPI's position in the config (`kpis.0.query: …`).
 */
export function kpiGroup(kpis: readonly Kpi[], intervalMs = 0): { group: RuleGroup | undefined; errors: string[] } {
  const errors: string[] = [];
  const rules: AlertingRule[] = [];
  const names = new Set<string>();
  kpis.forEach((k, i) => {
    const where = `kpis.${i}`;
    if (!k.name.trim()) errors.push(`${where}.name: must not be empty`);
    if (names.has(k.name)) errors.push(`${where}.name: "${k.name}" is used twice`);
    names.add(k.name);
    let forMs = 0;
    try {
      forMs = parseDuration(k.for);
    } catch (err) {
      errors.push(`${where}.for: ${(err as Error).message}`);
    }
    try {
      parseDuration(k.cooldown ?? '0s');
    } catch (err) {
      errors.push(`${where}.cooldown: ${(err as Error).message}`);
    }
    if ((k.query === '') === !k.event) {
      errors.push(`${where}: give either query (PromQL) or event`);
      return;
    }
    if (k.event && (k.event.measure === 'sum' || k.event.measure === 'avg') && !k.event.property) errors.push(`${where}.event: measure ${k.event.measure} needs a property`);
    if (k.event && ![3_600_000, 86_400_000, 604_800_000, 2_592_000_000].includes(safeDuration(k.period ?? '1h'))) errors.push(`${where}.period: an event KPI's period is 1h, 1d, 7d or 30d`);
    try {
      if (k.query) parse(k.query);
    } catch (err) {
      if (!(err instanceof PromqlSyntaxError)) throw err;
      errors.push(`${where}.query: ${err.message}`);
      return;
    }
    if (!k.warning && !k.critical) errors.push(`${where}: set a warning or critical threshold (min and/or max)`);
    for (const level of LEVELS) {
      const b = k[level];
      if (!b) continue;
      if (b.min === undefined && b.max === undefined) errors.push(`${where}.${level}: set min and/or max`);
      else if (b.min !== undefined && b.max !== undefined && b.min >= b.max) errors.push(`${where}.${level}: min (${b.min}) must be below max (${b.max})`);
      else rules.push(kpiRule(k, level, b, forMs));
    }
  });
  if (errors.length > 0 || rules.length === 0) return { group: undefined, errors };
  return { group: { name: 'kpis', file: '(config: kpis)', intervalMs, limit: 0, queryOffsetMs: 0, rules }, errors };
}

/** The series an event KPI's current value is written to (see KpiWriter), and its selector. */
export const KPI_VALUE_METRIC = 'kpi_value';
export function kpiValueSelector(name: string): string {
  return `${KPI_VALUE_METRIC}{kpi=${JSON.stringify(name)}}`;
}

function safeDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return NaN;
  }
}

function kpiRule(k: Kpi, level: 'warning' | 'critical', b: { min?: number; max?: number }, forMs: number): AlertingRule {
  const query = k.query || kpiValueSelector(k.name);
  const conditions: string[] = [];
  const crossed: string[] = [];
  if (b.min !== undefined) {
    conditions.push(`(${query}) < ${formatValue(b.min)}`);
    crossed.push(`below ${formatValue(b.min)}`);
  }
  if (b.max !== undefined) {
    conditions.push(`(${query}) > ${formatValue(b.max)}`);
    crossed.push(`above ${formatValue(b.max)}`);
  }
  const exprText = conditions.join(' or ');
  return {
    kind: 'alerting',
    alert: k.name,
    expr: parse(exprText),
    exprText,
    forMs,
    keepFiringForMs: 0,
    labels: { ...k.labels, severity: level, kpi: k.name },
    annotations: {
      summary: `KPI ${k.name} is {{ $value }}, ${level} when ${crossed.join(' or ')}`,
      ...(k.description ? { description: k.description } : {}),
      ...(k.cooldown && k.cooldown !== '0s' && k.cooldown !== '0' ? { cooldown: k.cooldown } : {}),
    },
  };
}
