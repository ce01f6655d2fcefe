import { timingSafeEqual, createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { routeConfig } from './route-config';
import type { Config } from '../config';
import type { AuthContext } from '../../modules/core/auth-context';
import { AppError, forbidden, unauthorized } from '../../modules/core/errors';
import {
  isAccessRevoked,
  parseJwtKeys,
  registerAccessTokens,
  TokenRejected,
  type AccessTokens,
} from '../../modules/identity/index';
import { Rbac } from '../../modules/tenancy/index';

export interface GuardedRoute {
  method: string;
  url: string;
  permission: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: AccessTokens;
    rbac: Rbac;
    /** Every route that declares `config.permission` (the guard's registry; tests walk it). */
    guardedRoutes: GuardedRoute[];
  }
  interface FastifyRequest {
    /** Why a presented bearer token was refused (for the 401 detail), when it was. */
    authFailure?: string;
    /** Expiry (epoch seconds) of the verified access token. */
    authExpiresAt?: number;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const portalOnly = () =>
  new AppError('FIG_PORTAL_ROUTE', 403, 'This is a client portal route: it accepts only a portal sign-in, not a staff token');
const internalOnly = () =>
  new AppError('FIG_PORTAL_TOKEN_REFUSED', 403, 'A client portal token is accepted only by the portal routes (/api/v1/portal/…)');
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Authentication and authorisation for fig's own routes.
 *
 * - onRequest: a `Bearer` token is the ADMIN_TOKEN (automation: the `ops` platform role, no tenant)
 *   or a fig access token (HS256 JWT, key chosen by `kid`; permission version and session revocation
 *   checked in Redis, in Postgres when Redis is down — isAccessRevoked in modules/identity). It
 *   becomes `request.auth`; permissions are the tenant roles' tenant permissions plus the platform
 *   roles' (see Rbac in modules/tenancy). A token that fails is not an error by itself: legacy-proxied routes
 *   ignore auth entirely (legacy clients send their own tokens).
 * - the guard, in the same hook (before the body is parsed): a route with `config.permission`
 *   needs `request.auth` (401 problem) holding that permission (403 problem); `config.public`
 *   routes are open. Client portal tokens (ADR 0027) pass only on routes with `config.portal`,
 *   and those routes refuse every other token.
 * - rate limits (@fastify/rate-limit, Redis store, by client IP): /api/v1/auth/* at
 *   RATE_LIMIT_AUTH_PER_MIN, every other non-GET guarded route at RATE_LIMIT_WRITES_PER_MIN.
 *   Legacy-proxied routes declare no permission and are never limited here.
 */
export const authPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const accessTokens = await registerAccessTokens(app, {
      keys: parseJwtKeys(config.JWT_KEYS),
      ttlSeconds: config.ACCESS_TOKEN_TTL_S,
    });
    const rbac = new Rbac();
    const guardedRoutes: GuardedRoute[] = [];
    app.decorate('accessTokens', accessTokens);
    app.decorate('rbac', rbac);
    app.decorate('guardedRoutes', guardedRoutes);
    app.addHook('onReady', async () => {
      await rbac.load(app.db);
    });

    if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);

    const adminDigest = config.ADMIN_TOKEN ? digest(config.ADMIN_TOKEN) : undefined;
    let adminPermissions: Set<string> | undefined;
    const adminContext = (): AuthContext => {
      adminPermissions ??= new Set([
        ...rbac.permissionsFor([], ['ops']),
        ...[...rbac.allPermissions()].filter((p) => p.startsWith('routes.')),
      ]);
      return {
        kind: 'admin-token',
        userId: 'admin-token',
        actor: 'admin-token',
        roles: [],
        platformRoles: ['ops'],
        permissions: adminPermissions,
        portal: 'internal',
      };
    };

    async function authenticate(request: FastifyRequest, token: string): Promise<void> {
      if (adminDigest && timingSafeEqual(digest(token), adminDigest)) {
        request.auth = adminContext();
        return;
      }
      try {
        const claims = accessTokens.verifyAny(token);
        if (claims.portal === 'customer') {
          // A client portal token (ADR 0027): short-lived, no roles, no revocation version; the
          // guard below keeps it on portal routes and the portal service on its one customer.
          request.authExpiresAt = claims.exp;
          request.auth = {
            kind: 'portal',
            userId: claims.sub,
            actor: `portal:${claims.email}`,
            tenantId: claims.tid,
            roles: [],
            platformRoles: [],
            permissions: new Set(),
            portal: 'customer',
            customerId: claims.cid,
            portalLinkId: claims.lid,
          };
          return;
        }
        const revoked = await isAccessRevoked(
          {
            redis: app.redis,
            db: app.db,
            prefix: config.REDIS_PREFIX,
            log: request.log,
            onFallback: (check, outcome) => app.metrics.authRedisFallbacks.inc({ check, outcome }),
          },
          claims,
        );
        if (revoked) throw new TokenRejected('revoked');
        request.authExpiresAt = claims.exp;
        request.auth = {
          kind: 'user',
          userId: claims.sub,
          actor: claims.email,
          tenantId: claims.tid,
          roles: claims.roles,
          platformRoles: claims.platformRoles,
          permissions: rbac.permissionsFor(claims.roles, claims.platformRoles),
          portal: claims.portal,
        };
      } catch (err) {
        if (!(err instanceof TokenRejected)) throw err;
        request.authFailure = err.message;
      }
    }

    // Requests without a bearer token on routes that need no permission (all proxied traffic
    // without a token) leave at once, without a promise; the rest take the async path.
    app.addHook('onRequest', (request, reply, done) => {
      const header = request.headers.authorization;
      const bearer = header !== undefined && /^bearer /i.test(header);
      if (!bearer) {
        const cfg = routeConfig(request);
        if ((!cfg.permission && !cfg.portal) || cfg.public) return done();
        const cookie = cfg.cookieAuth ? request.cookies[cfg.cookieAuth] : undefined;
        if (cookie) return void authorise(request, reply, `Bearer ${cookie}`).then(() => done(), done);
      }
      authorise(request, reply, bearer ? header : undefined).then(() => done(), done);
    });

    async function authorise(request: FastifyRequest, reply: FastifyReply, header: string | undefined): Promise<void> {
      if (header !== undefined) await authenticate(request, header.slice(7).trim());
      const cfg = routeConfig(request);
      // Portal and internal tokens never cross (ADR 0027): a portal route takes only its portal's
      // tokens, every other route (fig's own, legacy-proxied, public or not) refuses portal tokens.
      if (cfg.portal) {
        if (request.auth && request.auth.portal !== cfg.portal) throw portalOnly();
        if (cfg.public) return;
        if (!request.auth) {
          reply.header('www-authenticate', request.authFailure ? 'Bearer error="invalid_token"' : 'Bearer');
          throw unauthorized(request.authFailure ?? 'Sign in to the portal: send Authorization: Bearer <portal token>');
        }
        return;
      }
      if (request.auth?.portal === 'customer') throw internalOnly();
      const permission = cfg.permission;
      if (!permission || cfg.public) return;
      if (!request.auth) {
        reply.header('www-authenticate', request.authFailure ? 'Bearer error="invalid_token"' : 'Bearer');
        throw unauthorized(
          request.authFailure ?? 'Authentication is required: send Authorization: Bearer <access token>',
        );
      }
      if (!request.auth.permissions.has(permission))
        throw forbidden(`This action needs the permission ${permission}`);
    }

    app.addHook('onRoute', (route) => {
      const cfg = (route.config ??= {}) as { permission?: string; rateLimit?: unknown };
      const methods = [route.method].flat().map(String);
      if (cfg.permission)
        for (const method of methods.filter((m) => m !== 'HEAD'))
          guardedRoutes.push({ method, url: route.url, permission: cfg.permission });
      if (cfg.rateLimit !== undefined || methods.every((m) => m === 'HEAD')) return;
      if (route.url.startsWith('/api/v1/auth/'))
        cfg.rateLimit = { max: config.RATE_LIMIT_AUTH_PER_MIN, timeWindow: 60_000 };
      else if (cfg.permission && methods.some((m) => !READ_METHODS.has(m)))
        cfg.rateLimit = { max: config.RATE_LIMIT_WRITES_PER_MIN, timeWindow: 60_000 };
    });

    // Registered after the onRoute hook above so it sees the rateLimit config that hook sets.
    await app.register(fastifyRateLimit, {
      global: false,
      redis: app.redis,
      nameSpace: `${config.REDIS_PREFIX}rl:`,
      skipOnError: true,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, ctx) =>
        new AppError(
          'FIG_RATE_LIMITED',
          429,
          `Too many requests: at most ${ctx.max} per minute; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        ),
    });
  },
  { name: 'auth', dependencies: ['infra'] },
);
