import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/server.js';

// The web app is built by `npm run build` (npm test builds before running the tests).
const WEB = fileURLToPath(new URL('../../dist/web/', import.meta.url));
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.cleanup(); });

const html = { accept: 'text/html,application/xhtml+xml' };

/** Files the entry page loads before anything else: its module script and the chunks it preloads. */
function initialScripts(page: string): string[] {
  return [...page.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => m[1]!);
}

describe('web app', () => {
  it('serves the entry page at / and for every page path, but never for API paths', async () => {
    for (const path of ['/', '/explore', '/logs?q=x', '/traces/0123456789abcdef0123456789abcdef']) {
      const res = await fetch(`${server.url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    const api = await fetch(`${server.url}/api/v1/nope`, { headers: html });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ status: 'error', error: 'no endpoint GET /api/v1/nope' });
    const notHtml = await fetch(`${server.url}/logs`);
    expect(notHtml.status).toBe(404);
    expect((await notHtml.json() as { errorType: string }).errorType).toBe('not_found');
    const missingFile = await fetch(`${server.url}/assets/missing.js`, { headers: html });
    expect(missingFile.status).toBe(404);
  });

  it('serves hashed assets precompressed and cached for good', async () => {
    const page = await (await fetch(`${server.url}/`, { headers: html })).text();
    const [entry] = initialScripts(page);
    expect(entry).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const res = await fetch(`${server.url}${entry!}`, { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(readFileSync(`${WEB}${entry!.slice(1)}`, 'utf8'));
  });

  it('keeps the JavaScript loaded before the first page at most 300 KB gzipped (pages load as separate chunks)', () => {
    const page = readFileSync(`${WEB}index.html`, 'utf8');
    const files = initialScripts(page);
    expect(files.length).toBeGreaterThan(0);
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(`${WEB}${f.slice(1)}`), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThanOrEqual(300 * 1024);
    expect(page).not.toMatch(/codemirror|uplot/i);
  });
});
