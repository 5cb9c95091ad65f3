/**
 * `npm run bench:web`: how fast the web app draws a big chart. Loads BENCH_WEB_SERIES (100)
 * series × BENCH_WEB_POINTS (1,000) samples at 15 s into a fresh allseer, opens Explore in
 * Debian's Chromium (playwright-core) on a range query returning all of them, and prints, over
 * 15 loads: the chart's own time (the "allseer:chart" User Timing measure: build the uPlot chart
 * and draw it until the next frame) and the time from navigation to the drawn chart (which adds
 * loading the page and the query), median and p90. The target: 100 × 1,000 in ≤ 100 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startOurs, stop } from './targets.js';

const SERIES = Number(process.env.BENCH_WEB_SERIES ?? 100);
const POINTS = Number(process.env.BENCH_WEB_POINTS ?? 1000);
const RUNS = 15;
const STEP_S = 15;

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function main(): Promise<void> {
  execFileSync(fileURLToPath(new URL('../scripts/install-debian.sh', import.meta.url)), ['chromium=chromium'], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'allseer-bench-web-'));
  const target = await startOurs(dir);
  try {
    const end = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S - 60;
    const start = end - (POINTS - 1) * STEP_S;
    const timestamps = Array.from({ length: POINTS }, (_, i) => (start + i * STEP_S) * 1000);
    const lines = Array.from({ length: SERIES }, (_, s) => JSON.stringify({
      metric: { __name__: 'bench_web_series', series: String(s) },
      values: timestamps.map((_, i) => Math.sin(i / 50 + s) * 100 + s * 10),
      timestamps,
    }));
    const res = await fetch(`${target.baseUrl}/api/v1/import`, { method: 'POST', body: lines.join('\n') });
    if (res.status !== 204) throw new Error(`import: ${res.status} ${await res.text()}`);
    await target.drain();
    const check = (await (await fetch(`${target.baseUrl}/api/v1/query_range?query=bench_web_series&start=${start}&end=${end}&step=${STEP_S}`)).json()) as { data: { result: { values: unknown[] }[] } };
    const got = check.data.result;
    if (got.length !== SERIES || got.some((r) => r.values.length !== POINTS)) throw new Error(`query returned ${got.length} series, not ${SERIES} × ${POINTS}`);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    const chart: number[] = [];
    const total: number[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const url = `${target.baseUrl}/explore?expr=bench_web_series&from=${start}&to=${end}&step=${STEP_S}`;
      await page.goto(url); // warm: the Explore chunk is cached from here on, as for a user who comes back
      for (let i = 0; i < RUNS; i++) {
        await page.goto(url);
        const entry = await page.waitForFunction(() => {
          const [m] = performance.getEntriesByName('allseer:chart');
          return m ? { duration: m.duration, end: m.startTime + m.duration, detail: (m as unknown as { detail: { series: number; points: number } }).detail } : null;
        });
        const m = (await entry.jsonValue())!;
        if (m.detail.series !== SERIES || m.detail.points !== POINTS) throw new Error(`chart drew ${m.detail.series} × ${m.detail.points}`);
        chart.push(m.duration);
        total.push(m.end);
      }
    } finally {
      await browser.close();
    }
    console.log(`web chart, ${SERIES} series × ${POINTS} points (Explore, headless Chromium, ${RUNS} loads)`);
    console.log(`  chart build + draw: median ${pct(chart, 0.5).toFixed(1)} ms, p90 ${pct(chart, 0.9).toFixed(1)} ms (target ≤ 100 ms)`);
    console.log(`  navigation → chart drawn (page, query, chart): median ${pct(total, 0.5).toFixed(0)} ms, p90 ${pct(total, 0.9).toFixed(0)} ms`);
  } finally {
    await stop(target.proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
