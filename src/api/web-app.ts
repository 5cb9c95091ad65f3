import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Path prefixes that belong to APIs: an unknown path under them is a JSON 404, never the web app. */
const API_PREFIXES = ['/api/', '/loki/', '/v1/', '/-/', '/metrics', '/health'];

/**
 * Serves the built web app (Vite output: `index.html` plus hashed files under `assets/`) from
 * `root`. Hashed assets are cached for a year; `index.html` is revalidated on every load. Returns
 * false, registering nothing, when `root` holds no `index.html` (the web app was not built).
 */
export function registerWebApp(app: FastifyInstance, root: string): boolean {
  if (!existsSync(join(root, 'index.html'))) return false;
  void app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    preCompressed: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return true;
}

/**
 * True when a request that matched no route should get the web app's `index.html` (client-side
 * routing): a GET for a page, not for an API path or a file.
 */
export function wantsWebPage(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?')[0] ?? '';
  if (API_PREFIXES.some((p) => path.startsWith(p))) return false;
  if (/\.[a-z0-9]+$/i.test(path)) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

/** Answers with the web app's entry page. */
export function sendWebPage(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
