import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from '../browser.js';
import { startTestServer } from '../server.js';
import { eventually } from '../wait.js';

// End to end: the built web app in Debian's Chromium against the real server, with data sent
// through the server's own ingest APIs.

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
const NOW = Date.now();
const TRACE = randomBytes(16).toString('hex');
const SPANS = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
};
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const ns = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer([
    'batcher:', '  flush_interval: 50ms',
    'global:', '  evaluation_interval: 1s',
    'kpis:', '  - name: E2eRequestRate', '    query: sum(rate(e2e_requests_total[5m]))', '    warning: { max: 0.5 }', '    for: 0s', '    period: 1m',
  ].join('\n'), { env: { SELF_SCRAPE_INTERVAL: '1s' } }), launchBrowser()]);
  // Metrics: two counters over the last 30 minutes, every 15 s.
  const stamps = Array.from({ length: 120 }, (_, i) => NOW - 30 * 60_000 + i * 15_000);
  await post('/api/v1/import', ['200', '500'].map((code) => JSON.stringify({
    metric: { __name__: 'e2e_requests_total', job: 'shop', code },
    values: stamps.map((_, i) => i * (code === '200' ? 10 : 1)),
    timestamps: stamps,
  })).join('\n'));
  // Logs: a checkout service with a failing payment, linked to the trace below.
  await post('/v1/logs', { resourceLogs: [{ resource: { attributes: [str('service.name', 'checkout')] }, scopeLogs: [{ logRecords: [
    { timeUnixNano: ns(NOW - 120_000), severityNumber: 9, severityText: 'INFO', body: { stringValue: 'cart opened by customer 42' }, attributes: [str('customer', '42')] },
    { timeUnixNano: ns(NOW - 60_000), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'payment declined for order 7' }, traceId: TRACE, spanId: SPANS[2], attributes: [str('order', '7')] },
    { timeUnixNano: ns(NOW - 30_000), severityNumber: 13, severityText: 'WARN', body: { stringValue: 'payment retry scheduled' }, attributes: [] },
  ] }] }] });
  // A trace: frontend → checkout → payments (the payment span failed).
  const span = (i: number, service: string, name: string, parent: string, startMs: number, durMs: number, error = false) => ({
    resource: { attributes: [str('service.name', service)] },
    scopeSpans: [{ spans: [{
      traceId: TRACE, spanId: SPANS[i], parentSpanId: parent, name, kind: i === 0 ? 2 : 3,
      startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(startMs + durMs),
      attributes: [str('http.route', `/${name}`)],
      status: error ? { code: 2, message: 'card declined' } : { code: 1 },
    }] }],
  });
  await post('/v1/traces', { resourceSpans: [
    span(0, 'frontend', 'GET /checkout', '', NOW - 60_500, 400),
    span(1, 'checkout', 'place-order', SPANS[0]!, NOW - 60_450, 300),
    span(2, 'payments', 'charge-card', SPANS[1]!, NOW - 60_400, 200, true),
  ] });
  // Errors: two events of one issue (a TypeError in the app's code), one of another.
  const sentry = (event: Record<string, unknown>) => fetch(`${server.url}/api/42/store/?sentry_key=anykey`, { method: 'POST', body: JSON.stringify({ timestamp: NOW / 1000, platform: 'node', ...event }) });
  const crash = (user: string) => ({
    level: 'error', release: 'shop@1.4.0', environment: 'production', user: { id: user },
    tags: { route: '/checkout' },
    breadcrumbs: { values: [{ timestamp: NOW / 1000 - 1, category: 'http', message: 'POST /api/cart 200' }] },
    exception: { values: [{ type: 'TypeError', value: "Cannot read properties of undefined (reading 'price')", stacktrace: { frames: [
      { filename: 'node:internal/process/task_queues', function: 'processTicksAndRejections', lineno: 95, in_app: false },
      { filename: '/srv/shop/src/cart/total.js', function: 'cartTotal', lineno: 17, colno: 9, in_app: true, pre_context: ['function cartTotal(items) {'], context_line: '  return items.reduce((s, i) => s + i.product.price, 0);', post_context: ['}'] },
    ] } }] },
  });
  for (const r of [await sentry(crash('u1')), await sentry(crash('u2')), await sentry({ level: 'warning', message: 'slow checkout for order 9' })]) expect(r.status).toBe(200);
  // Product events (PostHog batch): 6 people view pages over the last 3 days, 4 sign up (2 on pro), 2 buy.
  // Days are counted back from noon (UTC) yesterday, so that calendar-day cohorts do not depend
  // on the time of day the test runs.
  const DAY = 86_400_000;
  const noonYesterday = Math.floor(NOW / DAY) * DAY - DAY / 2;
  const ev = (who: string, event: string, daysAgo: number, properties: Record<string, unknown> = {}) => ({ event, distinct_id: who, properties, timestamp: new Date(noonYesterday - daysAgo * DAY).toISOString() });
  const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  const batch = [
    ...people.flatMap((p, i) => [ev(p, '$pageview', 2, { $current_url: '/home' }), ev(p, '$pageview', i % 2 === 0 ? 1 : 2, { $current_url: '/pricing' })]),
    ...['p1', 'p2', 'p3', 'p4'].map((p, i) => ev(p, 'signup', 2 - 0.01, { plan: i < 2 ? 'pro' : 'free' })),
    ...['p1', 'p3'].map((p) => ev(p, 'purchase', 1, { amount: 30 })),
  ];
  const capture = await fetch(`${server.url}/batch/`, { method: 'POST', body: JSON.stringify({ api_key: 'k', batch }) });
  expect(capture.status).toBe(200);
  await eventually(async () => (await fetch(`${server.url}/api/v1/traces/${TRACE}`)).status, (s) => s === 200, 'the trace to be stored');
  await eventually(async () => ((await (await fetch(`${server.url}/api/v1/logs?q=payment`)).json()) as { data: { records: unknown[] } }).data.records.length, (n) => n === 2, 'the logs to be stored');
});

afterAll(async () => {
  await browser.close();
  await server.cleanup();
});

/** Types into the PromQL editor (CodeMirror), replacing what it holds. */
async function typeQuery(page: Page, expr: string): Promise<void> {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(expr, { delay: 5 });
}

describe('web app in Chromium', () => {
  it('Explore: completes metric names, runs a query into a chart and a table, and shows the server\'s error for a bad query', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/explore`);
    // Metric names, label names and values of that metric, and functions complete.
    for (const [typed, offered] of [['e2e_req', 'e2e_requests_total'], ['e2e_requests_total{co', 'code'], ['e2e_requests_total{code="', '500'], ['histogram_qu', 'histogram_quantile']] as const) {
      await typeQuery(page, typed);
      await page.waitForSelector(`.cm-tooltip-autocomplete >> text=${offered}`);
      await page.keyboard.press('Escape');
    }
    await typeQuery(page, 'sum by (code) (rate(e2e_requests_total[5m]))');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.chart canvas');
    const legend = await page.locator('.legend button').allTextContents();
    expect(legend.sort()).toEqual(['{code="200"}', '{code="500"}']);
    expect(new URL(page.url()).searchParams.get('expr')).toBe('sum by (code) (rate(e2e_requests_total[5m]))');
    // Dragging across the chart zooms into that span (absolute times in the URL).
    const plot = (await page.locator('.chart .u-over').boundingBox())!;
    await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.75, plot.y + plot.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/from=\d+/);
    const zoomed = new URL(page.url()).searchParams;
    const span = Number(zoomed.get('to')) - Number(zoomed.get('from'));
    expect(span).toBeGreaterThan(600);
    expect(span).toBeLessThan(1200);
    // Back returns to the last hour (the zoom was a history entry).
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('from'));
    await page.waitForSelector('.chart canvas');
    await page.click('.legend button >> text={code="500"}');
    expect(await page.getAttribute('.legend button >> text={code="500"}', 'aria-pressed')).toBe('false');
    await screenshot(page, 'explore-graph');

    await page.click('role=tab[name="Table"]');
    await page.waitForSelector('table.data td >> text={code="200"}');
    expect(await page.locator('table.data tbody tr').count()).toBe(2);
    await typeQuery(page, 'e2e_requests_total{code="200"}');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.data td >> text=e2e_requests_total{code="200", job="shop"}');
    expect(await page.locator('table.data td.num').allTextContents()).toEqual(['1190']);
    await screenshot(page, 'explore-table');

    await typeQuery(page, 'rate(e2e_requests_total)');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.error-box');
    expect(await page.locator('.error-box').textContent()).toMatch(/range vector/i);

    // A shared URL reproduces the view.
    const shared = await openPage(browser);
    await shared.page.goto(`${server.url}/explore?expr=${encodeURIComponent('e2e_requests_total')}&tab=table`);
    await shared.page.waitForSelector('table.data tbody tr >> nth=1');
    expect(await shared.page.locator('table.data tbody tr').count()).toBe(2);
    expect([...problems(), ...shared.problems()]).toEqual([]);
  });

  it('Logs: searches words, shows the histogram, expands a line and follows its trace link to the waterfall', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/logs`);
    await page.waitForSelector('.log-row >> text=cart opened by customer 42');
    expect(await page.locator('.log-row').count()).toBe(3);
    await page.fill('input[aria-label="search terms"]', 'payment');
    await page.click('button:has-text("Search")');
    await eventually(() => page.locator('.log-row').count(), (n) => n === 2, 'two payment lines');
    expect(await page.locator('.bar-chart rect[fill="#e5534b"]').count()).toBe(1);
    await page.selectOption('select[aria-label="severity"]', 'ERROR');
    await eventually(() => page.locator('.log-row').count(), (n) => n === 1, 'one error line');
    await page.click('.log-row >> text=payment declined for order 7');
    await page.waitForSelector('.log-detail dt >> text=order');
    await screenshot(page, 'logs');
    await page.check('text=Live tail');
    await post('/v1/logs', { resourceLogs: [{ resource: { attributes: [str('service.name', 'checkout')] }, scopeLogs: [{ logRecords: [
      { timeUnixNano: ns(Date.now()), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'payment gateway timeout (tailed)' }, attributes: [] },
    ] }] }] });
    await page.waitForSelector('.log-row >> text=payment gateway timeout (tailed)', { timeout: 15_000 });
    await page.uncheck('text=Live tail');
    await page.click(`.log-detail a >> text=${TRACE}`);
    await page.waitForURL(new RegExp(`/traces/${TRACE}$`));
    await page.waitForSelector('.wf-row');
    expect(problems()).toEqual([]);
  });

  it('Traces: finds the trace, draws its waterfall with the failed span marked, opens a span, and shows the service map', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector(`.trace-list >> text=${TRACE}`);
    expect(await page.locator('.trace-list .badge.err').textContent()).toBe('1 error');
    await page.click('.trace-list a >> text=GET /checkout');
    await page.waitForURL(new RegExp(`/traces/${TRACE}$`));
    const rows = page.locator('.wf-row');
    await eventually(() => rows.count(), (n) => n === 3, 'three spans');
    expect(await Promise.all([0, 1, 2].map((i) => rows.nth(i).getAttribute('aria-level')))).toEqual(['1', '2', '3']);
    expect(await page.locator('.wf-row.error').textContent()).toContain('charge-card');
    await page.click('.wf-row >> text=charge-card');
    await page.waitForSelector('.span-detail >> text=card declined');
    expect(await page.locator('.span-detail dd >> text=/charge-card').count()).toBe(1);
    await screenshot(page, 'trace-waterfall');

    await page.goto(`${server.url}/traces?view=map`);
    await page.waitForSelector('svg.service-map >> text=payments');
    expect((await page.locator('svg.service-map g text').allTextContents()).filter((t) => /^[a-z]+$/.test(t)).sort()).toEqual(['checkout', 'frontend', 'payments']);
    await screenshot(page, 'service-map');
    expect(problems()).toEqual([]);
  });

  it('Errors: lists issues with counts and users, opens one with its stack trace and history, and resolves it', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/errors`);
    const row = page.locator('.issue-list tbody tr', { hasText: 'TypeError' });
    await row.waitFor();
    expect(await page.locator('.issue-list tbody tr').count()).toBe(2);
    expect(await row.locator('td.num').allTextContents()).toEqual(['2', '2']);
    await row.locator('.sparkline polyline').waitFor();
    await screenshot(page, 'errors');
    await row.locator('a').click();
    await page.waitForURL(/\/errors\/42\/[0-9a-f]+$/);
    await page.waitForSelector('.stack-trace >> text=cartTotal');
    expect(await page.locator('.frame.in-app pre .hot').textContent()).toContain('i.product.price');
    expect(await page.locator('.frame').count()).toBe(1);
    await page.check('text=Show frames outside the app');
    expect(await page.locator('.frame').count()).toBe(2);
    expect(await page.locator('.event-history tbody tr').count()).toBe(2);
    await page.waitForSelector('text=POST /api/cart 200');
    await screenshot(page, 'error-issue');
    await page.click('button:has-text("Resolve")');
    await page.waitForSelector('.issue-status >> text=resolved');
    await page.click('a:has-text("← Errors")');
    await eventually(() => page.locator('.issue-list tbody tr').count(), (n) => n === 1, 'one unresolved issue left');
    await page.selectOption('select[aria-label="status"]', 'resolved');
    await page.waitForSelector('.issue-list >> text=TypeError');
    expect(problems()).toEqual([]);
  });

  it('Alerts: shows rules and firing alerts, silences an alert from its labels, and expires the silence', async () => {
    const alert = { labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' }, annotations: { summary: 'disk 97% full' } };
    expect((await fetch(`${server.url}/api/v2/alerts`, { method: 'POST', body: JSON.stringify([alert]), headers: { 'content-type': 'application/json' } })).status).toBe(200);
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/alerts?tab=rules`);
    await page.waitForSelector('.rule-group >> text=E2eRequestRate');
    await eventually(async () => {
      await page.reload();
      await page.waitForSelector('.rule-group');
      return page.locator('.badge.state-firing').count();
    }, (n) => n === 1, 'the KPI rule to fire', { timeoutMs: 20_000 });
    await screenshot(page, 'alert-rules');

    await page.click('role=tab[name="Alerts"]');
    const row = page.locator('.alert-list tbody tr', { hasText: 'DiskFull' });
    await row.waitFor();
    expect(await row.textContent()).toContain('disk 97% full');
    await row.locator('button:has-text("Silence")').click();
    await page.waitForSelector('form[aria-label="new silence"]');
    const values = page.locator('input[aria-label="label value"]');
    expect(await Promise.all([0, 1, 2].map((i) => values.nth(i).inputValue()))).toEqual(['DiskFull', 'db-1', 'critical']);
    await page.fill('form[aria-label="new silence"] label:has-text("Comment") input', 'replacing the disk');
    await page.click('button:has-text("Create silence")');
    const silence = page.locator('.silence-list tbody tr', { hasText: 'replacing the disk' });
    await silence.waitFor();
    expect(await silence.locator('.badge').textContent()).toBe('active');
    await screenshot(page, 'silences');

    await page.click('role=tab[name="Alerts"]');
    await page.waitForSelector('.alert-list tr:has-text("DiskFull") >> text=silenced');
    await page.click('role=tab[name="Silences"]');
    await page.locator('.silence-list tbody tr', { hasText: 'replacing the disk' }).locator('button:has-text("Expire")').click();
    await page.waitForSelector('.silence-list tr:has-text("replacing the disk") .badge >> text=expired');
    await page.click('role=tab[name="History"]');
    await page.waitForSelector('.alert-events >> text=E2eRequestRate');
    expect(problems()).toEqual([]);
  });

  it('Analytics: trend with breakdown, funnel with conversion, retention grid, a person\'s journey and KPI cards', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/analytics?event=signup&breakdown=plan&days=7`);
    await page.waitForSelector('.chart canvas');
    expect((await page.locator('.legend button').allTextContents()).sort()).toEqual(['free', 'pro']);
    await screenshot(page, 'analytics-trend');

    await page.click('role=tab[name="Funnel"]');
    await page.fill('input[aria-label="step 2"]', 'signup');
    await page.click('button:has-text("+ Step")');
    await page.fill('input[aria-label="step 3"]', 'purchase');
    await page.selectOption('select[aria-label="range"]', '7');
    await page.click('button:has-text("Calculate")');
    await page.waitForSelector('.funnel-step >> text=3. purchase');
    expect(await page.locator('.funnel-label .muted').allTextContents()).toEqual(['6 people · 100.0%', '4 people · 66.7%', '2 people · 33.3%']);
    expect(await page.locator('.funnel-drop').last().textContent()).toContain('2 dropped off');
    await screenshot(page, 'analytics-funnel');

    await page.click('role=tab[name="Retention"]');
    await page.fill('input[aria-label="return event"]', 'purchase');
    await page.selectOption('select[aria-label="period"]', 'day');
    await page.fill('input[aria-label="periods"]', '4');
    await page.click('button:has-text("Show")');
    await page.waitForSelector('table.retention th >> text=day 3');
    const cohort = await page.locator('table.retention tbody tr').first().locator('td').allTextContents();
    expect(cohort.slice(1, 4)).toEqual(['4', '0%', '50%']);
    await screenshot(page, 'analytics-retention');

    await page.click('role=tab[name="Journeys"]');
    await page.fill('input[aria-label="person"]', 'p1');
    await page.click('button:has-text("Show")');
    await page.waitForSelector('.journey-steps >> text=purchase');
    expect(await page.locator('.journey-steps li').count()).toBe(4);
    await page.waitForSelector('table.paths tbody tr');

    await page.click('role=tab[name="KPIs"]');
    const card = page.locator('.kpi-card', { hasText: 'E2eRequestRate' });
    await card.waitFor();
    expect(await card.getAttribute('class')).toContain('status-warning');
    await screenshot(page, 'analytics-kpis');

    // The thresholds editor (Alerts → KPI thresholds): a new warning bound turns the card green and rewrites the rule.
    await page.goto(`${server.url}/alerts?tab=kpis`);
    const editable = page.locator('.kpi-card', { hasText: 'E2eRequestRate' });
    await editable.locator('button:has-text("edit thresholds")').click();
    await page.fill('input[aria-label="E2eRequestRate warning max"]', 'x');
    await page.click('.threshold-form button:has-text("Save")');
    await page.waitForSelector('.threshold-form >> text="x" is not a number');
    await page.fill('input[aria-label="E2eRequestRate warning max"]', '5');
    await page.click('.threshold-form button:has-text("Save")');
    await eventually(async () => (await editable.getAttribute('class')) ?? '', (c) => c.includes('status-ok'), 'the KPI to be within its new threshold');
    expect(await editable.textContent()).toContain('warning ≤ 5');
    await page.click('role=tab[name="Rules"]');
    await page.waitForSelector('.rule-group >> text=(sum(rate(e2e_requests_total[5m]))) > 5');
    expect(problems()).toEqual([]);
  });

  it('Dashboards: the default dashboard shows the server\'s own metrics; a new dashboard with two widgets gets live updates; Grafana import; HTML report', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/dashboards\/system-overview$/);
    await page.waitForSelector('.live-status.live');
    const requestRate = page.locator('[data-widget="request-rate"] .stat');
    await eventually(async () => (await requestRate.count()) === 1 ? requestRate.textContent() : '', (t) => /req\/s$/.test(t ?? ''), 'the request rate from self-scraped metrics', { timeoutMs: 30_000 });
    await screenshot(page, 'dashboard-system-overview');

    await page.goto(`${server.url}/dashboards`);
    await page.fill('input[aria-label="new dashboard title"]', 'Queue watch');
    await page.click('button:has-text("Create")');
    await page.waitForURL(/\/dashboards\/queue-watch-[0-9a-f]{6}\?edit=1$/);
    const add = async (title: string, type: string, expr: string, refresh: string) => {
      await page.click('button:has-text("Add widget")');
      await page.fill('form[aria-label="edit widget"] label:has-text("Title") input', title);
      await page.selectOption('form[aria-label="edit widget"] label:has-text("Type") select', type);
      await page.fill('input[aria-label="widget query"]', expr);
      await page.fill('form[aria-label="edit widget"] label:has-text("Refresh") input', refresh);
      await page.click('form[aria-label="edit widget"] button:has-text("Apply")');
    };
    const push = (v: number) => fetch(`${server.url}/api/v1/import`, { method: 'POST', body: JSON.stringify({ metric: { __name__: 'e2e_queue_depth' }, values: [v], timestamps: [Date.now()] }) });
    expect((await push(5)).status).toBe(204);
    await add('Queue depth', 'stat', 'sum(e2e_queue_depth)', '1s');
    await add('Requests', 'timeseries', 'sum by (code) (rate(e2e_requests_total[5m]))', '5s');
    await page.click('button:has-text("Save")');
    await page.waitForSelector('text=version 2');
    const stat = page.locator('.widget[aria-label="widget Queue depth"] .stat');
    await eventually(async () => (await stat.count()) === 1 ? stat.textContent() : '', (t) => t === '5.00', 'the first value', { timeoutMs: 15_000 });
    await page.waitForSelector('.widget[aria-label="widget Requests"] canvas');
    expect((await push(42)).status).toBe(204);
    await eventually(() => stat.textContent(), (t) => t === '42.0', 'the pushed value to arrive live', { timeoutMs: 15_000 });
    await screenshot(page, 'dashboard-live');
    const widgetCsv = page.waitForEvent('download');
    await page.hover('.widget[aria-label="widget Queue depth"]');
    await page.click('.widget[aria-label="widget Queue depth"] button:has-text("CSV")');
    expect((await import('node:fs')).readFileSync(await (await widgetCsv).path(), 'utf8')).toBe('series,value\r\n{},42\r\n');

    // Edit mode: drag "Requests" up beside "Queue depth" and widen nothing else; the saved layout follows.
    await page.click('button:has-text("Edit")');
    const title = page.locator('.widget[aria-label="widget Requests"] .widget-title');
    const from = (await title.boundingBox())!;
    const to = (await page.locator('.widget[aria-label="widget Queue depth"]').boundingBox())!;
    await page.mouse.move(from.x + 40, from.y + 10);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + 40 + (i / 10) * (to.width + 20), from.y + 10 + (i / 10) * (to.y - from.y));
    await page.mouse.up();
    // …and make "Queue depth" four rows taller by its resize handle.
    const handle = page.locator('.widget[aria-label="widget Queue depth"] > .react-resizable-handle-se');
    await page.hover('.widget[aria-label="widget Queue depth"]');
    const h = (await handle.boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2 + i * 16);
    await page.mouse.up();
    await page.click('button:has-text("Save")');
    await page.waitForSelector('text=version 3');
    const boardId = /\/dashboards\/([^?]+)/.exec(page.url())![1]!;
    const savedBoard = (await (await fetch(`${server.url}/api/v1/dashboards/${boardId}`)).json()) as { data: { dashboard: { widgets: { title: string; layout: { x: number; y: number; w: number; h: number } }[] } } };
    expect(savedBoard.data.dashboard.widgets.find((w) => w.title === 'Requests')!.layout).toMatchObject({ x: 6, y: 0 });
    expect(savedBoard.data.dashboard.widgets.find((w) => w.title === 'Queue depth')!.layout).toMatchObject({ x: 0, y: 0, w: 6, h: 12 });

    const downloading = page.waitForEvent('download');
    await page.click('button:has-text("HTML report")');
    const report = await (await downloading).path();
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<h1>Queue watch</h1>');
    expect(html).toContain('<div class="stat">42.0</div>');
    expect(html).toMatch(/<svg viewBox[^>]*>.*<polyline/s);
    expect(html).not.toMatch(/<script/i);

    await page.goto(`${server.url}/dashboards`);
    await page.click('summary:has-text("Import a Grafana dashboard")');
    await page.fill('textarea[aria-label="Grafana dashboard JSON"]', JSON.stringify({ title: 'From Grafana', panels: [
      { type: 'stat', title: 'Queue', gridPos: { x: 0, y: 0, w: 8, h: 4 }, targets: [{ expr: 'sum(e2e_queue_depth)' }] },
      { type: 'piechart', title: 'Pie', targets: [{ expr: 'up' }] },
    ] }));
    await page.click('button:has-text("Import")');
    await page.waitForSelector('text=Imported; left out: Pie: panel type "piechart" is not supported');
    await page.click('a:has-text("From Grafana")');
    await eventually(() => page.locator('.widget .stat').textContent(), (t) => t === '42.0', 'the imported panel\'s value', { timeoutMs: 15_000 });
    expect(problems()).toEqual([]);
  });

  it('works on a phone-width screen and in both themes', async () => {
    const { page, problems } = await openPage(browser, 390, 844);
    await page.goto(`${server.url}/explore?expr=${encodeURIComponent('rate(e2e_requests_total[5m])')}`);
    await page.waitForSelector('.chart canvas');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const theme = () => page.locator('html').getAttribute('data-theme');
    const first = await theme();
    expect(first).toMatch(/^(dark|light)$/);
    await screenshot(page, `explore-phone-${first!}`);
    await page.click('button.theme');
    const second = await theme();
    expect(second).toBe(first === 'dark' ? 'light' : 'dark');
    await screenshot(page, `explore-phone-${second!}`);
    // Every page fits a phone's width (wide tables and charts scroll inside their box, not the page).
    for (const [name, path, ready] of [
      ['dashboard', '/dashboards/system-overview', '.widget'], ['logs', '/logs', '.log-row'], ['traces', '/traces', '.trace-list'],
      ['errors', '/errors?status=all', '.issue-list'], ['analytics', '/analytics?tab=funnel', '.funnel'], ['alerts', '/alerts?tab=silences', '.silence-form'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.waitForSelector(ready);
      await screenshot(page, `phone-${name}`);
      expect(await page.evaluate('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(390);
    }
    expect(problems()).toEqual([]);
  });
});
