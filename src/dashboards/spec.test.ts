import { describe, expect, it } from 'vitest';
import { dashboardProblems } from './spec.js';
import { SEED_DASHBOARDS } from './seeds.js';

const widget = { id: 'a', type: 'stat', title: 'Up', layout: { x: 0, y: 0, w: 3, h: 4 }, query: { kind: 'promql', expr: 'up' } };

describe('dashboard spec', () => {
  it('accepts a valid dashboard and every seed', () => {
    expect(dashboardProblems({ title: 'x', widgets: [widget, { ...widget, id: 'b', type: 'text', query: undefined, text: '# hi' }] })).toEqual([]);
    for (const s of SEED_DASHBOARDS) expect(dashboardProblems(s.spec), s.id).toEqual([]);
  });

  it('names each problem by its place', () => {
    expect(dashboardProblems({ title: '', widgets: [{ ...widget, layout: { x: 0, y: 0, w: 13, h: 4 } }] })).toEqual([
      'title: must not have fewer than 1 characters',
      'widgets.0.layout.w: must be <= 12',
    ]);
    expect(dashboardProblems({ title: 't', widgets: [], colour: 'red' })).toEqual(['(top level): unknown key "colour"']);
    expect(dashboardProblems({ title: 't', widgets: [widget, widget] })).toEqual(['widgets.1.id: "a" is used twice']);
    expect(dashboardProblems({ title: 't', widgets: [{ ...widget, query: undefined }] })).toEqual(['widgets.0.query: a stat widget needs a query']);
    expect(dashboardProblems('nope')).not.toEqual([]);
  });
});
