import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import websocket from '@fastify/websocket';
import type { Logger } from 'pino';
import { ApiError } from './errors.js';
import type { ApiRequest, ApiResponse, Route } from './types.js';
import { registerWebApp, sendWebPage, wantsWebPage } from './web-app.js';
import type { LiveOpener } from './live-socket.js';

export interface ServerOptions {
  routes: readonly Route[];
  /** Largest request body accepted off the wire, bytes. */
  bodyLimitBytes: number;
  defaultTenant: string;
  logger: Logger;
  /** Records one finished request (self-metrics). */
  observe?: (route: string, method: string, status: number, seconds: number) => void;
  /** Folder of the built web app, served at `/` when it holds an `index.html`. */
  webRoot?: string;
  /** Live dashboard sessions, served as a WebSocket at `/api/v1/live`. */
  live?: LiveOpener;
}

const TENANT = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The one HTTP adapter: reads bodies as bytes, turns the request into an ApiRequest, runs the
 * handler, writes its ApiResponse, and maps every error to the catalogue's JSON shape.
 */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body); });

  for (const route of opts.routes) {
    app.route({
      method: route.method,
      url: route.url,
      ...(route.admit ? { onRequest: (_req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => { try { route.admit!(); done(); } catch (err) { done(err as Error); } } } : {}),
      handler: async (req, reply) => {
        const gone = new AbortController();
        reply.raw.once('close', () => { if (!reply.raw.writableFinished) gone.abort(); });
        return send(reply, await route.handler({ ...toApiRequest(req, opts.defaultTenant), signal: gone.signal }));
      },
    });
  }

  if (opts.live) {
    const live = opts.live;
    void app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
    void app.register((instance, _o, done) => {
      instance.get('/api/v1/live', { websocket: true }, (socket, req) => {
        let tenant: string;
        try {
          tenant = tenantOf(req, opts.defaultTenant);
        } catch (err) {
          socket.send(JSON.stringify({ type: 'error', error: (err as Error).message }));
          socket.close(1008, 'invalid tenant');
          return;
        }
        const session = live(tenant, (text) => { if (socket.readyState === socket.OPEN) socket.send(text); });
        socket.on('message', (data: Buffer) => { session.receive(data.toString('utf8')).catch((err: unknown) => { req.log.error({ err }, 'live session failed'); }); });
        socket.on('close', () => { session.close(); });
        socket.on('error', () => { session.close(); });
      });
      done();
    });
  }
  const web = opts.webRoot !== undefined && registerWebApp(app, opts.webRoot);
  if (opts.webRoot !== undefined && !web) opts.logger.warn({ webRoot: opts.webRoot }, 'web app not built: run npm run build');
  app.setNotFoundHandler((req, reply) => {
    if (web && wantsWebPage(req)) return sendWebPage(reply);
    sendError(reply, new ApiError('NOT_FOUND', `no endpoint ${req.method} ${req.url.split('?')[0] ?? ''}`));
  });
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err);
    const status = err.statusCode ?? 500;
    if (status === 413) return sendError(reply, new ApiError('BODY_TOO_LARGE', `request body exceeds the limit of ${opts.bodyLimitBytes} bytes`));
    if (status === 415) return sendError(reply, new ApiError('UNSUPPORTED_MEDIA_TYPE', err.message));
    if (status >= 400 && status < 500) return sendError(reply, new ApiError('BAD_PARAMETER', err.message));
    req.log.error({ err, url: req.url }, 'request failed');
    return sendError(reply, new ApiError('INTERNAL', err.message));
  });
  if (opts.observe) {
    const observe = opts.observe;
    app.addHook('onResponse', (req, reply, done) => {
      // Web app files are one route for metrics: their hashed names would make a series each.
      const route = req.routeOptions.url ?? 'unmatched';
      observe(route.startsWith('/assets/') ? '/assets/*' : route, req.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  return app;
}

function toApiRequest(req: FastifyRequest, defaultTenant: string): ApiRequest {
  const query = new Map<string, string[]>();
  const add = (k: string, v: unknown) => {
    const list = query.get(k) ?? [];
    if (Array.isArray(v)) list.push(...v.map(String));
    else if (typeof v === 'string') list.push(v);
    query.set(k, list);
  };
  for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) add(k, v);
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded') && body.length > 0) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) add(k, v);
  }
  const tenant = tenantOf(req, defaultTenant);
  return { tenant, params: req.params as Record<string, string>, query, headers: req.headers, body };
}

function send(reply: FastifyReply, res: ApiResponse): FastifyReply {
  reply.status(res.status ?? 200);
  if (res.headers) reply.headers(res.headers);
  if (res.body === undefined) return reply.send();
  if (typeof res.body === 'string' || Buffer.isBuffer(res.body) || res.body instanceof Readable) {
    reply.type(res.contentType ?? 'text/plain; charset=utf-8');
    return reply.send(res.body);
  }
  reply.type(res.contentType ?? 'application/json');
  return reply.send(JSON.stringify(res.body));
}

function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return send(reply, { status: err.status, headers: err.headers, body: err.body() });
}

/** The request's tenant: its X-Scope-OrgID header, else the default; a malformed id is a 400. */
function tenantOf(req: FastifyRequest, defaultTenant: string): string {
  const header = req.headers['x-scope-orgid'];
  const tenant = typeof header === 'string' && header !== '' ? header : defaultTenant;
  if (!TENANT.test(tenant)) throw new ApiError('BAD_PARAMETER', `invalid tenant id in X-Scope-OrgID: must match ${TENANT.source}`);
  return tenant;
}
