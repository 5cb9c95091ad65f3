import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where end-to-end tests save screenshots (not committed). */
export const SCREENSHOTS = `${ROOT}test-output/screenshots`;

/**
 * Launches Debian's Chromium headless through playwright-core, installing the `chromium`
 * package first when it is missing (scripts/install-debian.sh).
 */
export async function launchBrowser(): Promise<Browser> {
  execFileSync(`${ROOT}scripts/install-debian.sh`, ['chromium=chromium'], { stdio: 'inherit' });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * A page that records uncaught errors and console errors (returned by `problems()`), so a test
 * can prove the app ran cleanly.
 */
export async function openPage(browser: Browser, width = 1280, height = 860): Promise<{ page: Page; problems: () => string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`); });
  // An API answering 4xx is logged by Chromium as a failed resource; the pages show those errors themselves.
  page.on('console', (msg) => { if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`); });
  return { page, problems: () => problems };
}

/** Saves a full-page screenshot as `test-output/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
