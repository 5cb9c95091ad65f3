import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';

const strict = { additionalProperties: false } as const;

/** What a widget shows: a PromQL range (or instant) query, a log search, an event trend, a funnel. */
export const WidgetQuery = Type.Union([
  Type.Object({ kind: Type.Literal('promql'), expr: Type.String({ minLength: 1 }), legend: Type.Optional(Type.String()) }, strict),
  Type.Object({
    kind: Type.Literal('logs'), q: Type.Optional(Type.String()), service: Type.Optional(Type.String()), severity: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  }, strict),
  Type.Object({
    kind: Type.Literal('analytics'), event: Type.Optional(Type.String({ minLength: 1 })),
    /** `active`: unique people with any event per interval (DAU/WAU/MAU); the others measure `event`. */
    measure: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('users'), Type.Literal('sum'), Type.Literal('avg'), Type.Literal('active')])),
    property: Type.Optional(Type.String()), breakdown: Type.Optional(Type.String()),
    interval: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week'), Type.Literal('month')])),
  }, strict),
  Type.Object({ kind: Type.Literal('funnel'), steps: Type.Array(Type.String({ minLength: 1 }), { minItems: 2, maxItems: 20 }), window: Type.Optional(Type.String()) }, strict),
]);

export const WidgetType = Type.Union([
  Type.Literal('stat'), Type.Literal('timeseries'), Type.Literal('bar'), Type.Literal('table'),
  Type.Literal('gauge'), Type.Literal('funnel'), Type.Literal('logs'), Type.Literal('text'),
]);

export const Widget = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  type: WidgetType,
  title: Type.String({ maxLength: 200 }),
  /** Grid cell: 12 columns; rows of 30 px. */
  layout: Type.Object({ x: Type.Integer({ minimum: 0, maximum: 11 }), y: Type.Integer({ minimum: 0 }), w: Type.Integer({ minimum: 1, maximum: 12 }), h: Type.Integer({ minimum: 1, maximum: 100 }) }, strict),
  query: Type.Optional(WidgetQuery),
  /** Markdown-like text of a `text` widget. */
  text: Type.Optional(Type.String({ maxLength: 20_000 })),
  /** How often the widget's data is refreshed: a duration, at least 1s. */
  refresh: Type.Optional(Type.String()),
  /** Colours from a value up: the last threshold at or below the value wins. */
  thresholds: Type.Optional(Type.Array(Type.Object({ value: Type.Number(), color: Type.String({ pattern: '^(green|yellow|orange|red|blue|#[0-9a-fA-F]{6})$' }) }, strict), { maxItems: 20 })),
  unit: Type.Optional(Type.String({ maxLength: 20 })),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
}, strict);

export const Variable = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
  /** Values are the label's values (of series matching `match`, a series selector, when given). */
  label: Type.String({ minLength: 1 }),
  match: Type.Optional(Type.String()),
  default: Type.Optional(Type.String()),
}, strict);

export const DashboardSpec = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  time: Type.Optional(Type.Object({ from: Type.String(), to: Type.String() }, strict)),
  refresh: Type.Optional(Type.String()),
  variables: Type.Optional(Type.Array(Variable, { maxItems: 20 })),
  widgets: Type.Array(Widget, { maxItems: 200 }),
}, strict);

export type DashboardSpec = Static<typeof DashboardSpec>;
export type Widget = Static<typeof Widget>;
export type WidgetQuery = Static<typeof WidgetQuery>;

const checker = Compile(DashboardSpec);

/**
 * Checks a dashboard body against the spec; returns the problems (`widgets.2.layout.w: …`), at
 * most 10, or an empty list. Widget ids must be unique; widgets other than `text` need a query.
 */
export function dashboardProblems(body: unknown): string[] {
  const problems: string[] = [];
  for (const e of checker.Errors(body)) {
    if (e.keyword === 'anyOf' || e.keyword === 'boolean') continue;
    const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    const extra = e.keyword === 'additionalProperties' ? `unknown key ${e.params.additionalProperties.map((k) => `"${k}"`).join(', ')}` : e.message;
    problems.push(`${where}: ${extra}`);
    if (problems.length >= 10) break;
  }
  if (problems.length > 0 || !Value.Check(DashboardSpec, body)) return problems.length ? problems : ['(top level): not a dashboard'];
  const seen = new Set<string>();
  body.widgets.forEach((w, i) => {
    if (seen.has(w.id)) problems.push(`widgets.${i}.id: "${w.id}" is used twice`);
    seen.add(w.id);
    if (w.type !== 'text' && !w.query) problems.push(`widgets.${i}.query: a ${w.type} widget needs a query`);
    if (w.query?.kind === 'analytics' && w.query.measure !== 'active' && !w.query.event) problems.push(`widgets.${i}.query.event: needed unless measure is "active"`);
  });
  return problems;
}
