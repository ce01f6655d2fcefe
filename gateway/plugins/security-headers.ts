import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmetMiddleware from 'helmet';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import { routeConfig } from './route-config';

type HelmetOptions = Omit<FastifyHelmetOptions, 'global' | 'enableCSPNonces'>;
type HelmetMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The `helmet` middleware @fastify/helmet wraps (a direct dependency pinned to the same version). The
 * plugin adds two onRequest hooks to every request, one async (a promise, a per-request closure and
 * two `request.routeOptions` objects), even on the proxy path that never sends its headers
 * (bench/profile, docs/proxy.md); fig calls the middleware from its one hook instead.
 */
const helmet = helmetMiddleware as unknown as (options: HelmetOptions) => HelmetMiddleware;

/** Where @fastify/cors's own OPTIONS route goes (see the onRoute hook below); nothing else uses it. */
const CORS_ROUTE_PARKING = '/_fig/cors-preflight';

/**
 * Whether the request is legacy traffic: the proxy's catch-all or a legacy route key served
 * through the route table (which may answer from a module, still in legacy's shape).
 */
export function isLegacyRoute(request: FastifyRequest): boolean {
  const config = routeConfig(request);
  return config.url === '/*' || config.url === '*' || config.routeKey !== undefined;
}

/** The SPA's policy: everything from fig's own origin, no inline script or style, never framed. */
const SPA_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // The favicon is a data: SVG (web/index.html).
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI (/docs) sets style attributes from its bundle and draws icons as data: images; its
 * scripts are files (no inline script), so only style-src is relaxed, and only under /docs.
 */
const DOCS_DIRECTIVES = { ...SPA_DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"] };

/**
 * Security headers and the CORS policy for fig's own responses (API, SPA, /docs, health).
 *
 * - helmet: a strict CSP, frame-ancestors 'none' + X-Frame-Options DENY, nosniff,
 *   Referrer-Policy no-referrer (link-token pages such as /app/reset-password must never leak
 *   their URL), HSTS only with HSTS_ENABLED (set when served over TLS).
 * - legacy traffic keeps legacy's headers byte for byte unless LEGACY_SECURITY_HEADERS is set.
 * - CORS: same-origin by default (no Access-Control-* headers at all); CORS_ORIGINS lists the
 *   other origins allowed to call fig's routes with credentials. A preflight from a listed origin
 *   is answered by fig whatever the path (the browser asks before it knows who serves it). With
 *   CORS_ORIGINS set every response, legacy's too, gets `Vary: Origin` (@fastify/cors adds it for
 *   per-request policies), which only makes caches more careful.
 */
export const securityHeadersPlugin = fp(
  async (app) => {
    const config = app.config;
    const base: HelmetOptions = {
      contentSecurityPolicy: { useDefaults: false, directives: SPA_DIRECTIVES },
      strictTransportSecurity: config.HSTS_ENABLED ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
    };
    const spaHeaders = helmet(base);
    const docsHeaders = helmet({ ...base, contentSecurityPolicy: { useDefaults: false, directives: DOCS_DIRECTIVES } });
    // A callback hook, not an async one: proxied requests leave at once without a promise.
    app.addHook('onRequest', (request, reply, done) => {
      if (isLegacyRoute(request) && !config.LEGACY_SECURITY_HEADERS) return done();
      const path = request.url;
      const docs = path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs?');
      (docs ? docsHeaders : spaHeaders)(request.raw, reply.raw, (err) => done(err as Error | undefined));
    });

    // Same-origin by default: no CORS plugin at all, so no response (legacy's included) changes.
    if (config.corsOrigins.length === 0) return;
    // @fastify/cors always registers `OPTIONS *` so preflights find a route; the legacy proxy's
    // catch-all already answers every method on every path (and must keep doing so for legacy),
    // so that route is parked on a path of fig's own. Preflights are answered in the hook anyway.
    app.addHook('onRoute', (route) => {
      if (route.method === 'OPTIONS' && (route.url === '*' || route.path === '*')) {
        route.url = CORS_ROUTE_PARKING;
        route.path = CORS_ROUTE_PARKING;
      }
    });
    const allowed = new Set(config.corsOrigins);
    const off: FastifyCorsOptions = { origin: false };
    const on: FastifyCorsOptions = {
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
      maxAge: 600,
    };
    await app.register(fastifyCors, {
      delegator: (request, callback) => {
        const origin = request.headers.origin;
        if (!origin || !allowed.has(origin)) return callback(null, off);
        const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
        callback(null, preflight || !isLegacyRoute(request) ? on : off);
      },
    });
  },
  { name: 'security-headers', dependencies: ['infra'] },
);
