import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../modules/core/auth-context';
import { AppError, forbidden, unauthorized } from '../../modules/core/errors';

/** Permissions of the ADMIN_TOKEN on the ops API. */
const ADMIN_TOKEN_PERMISSIONS: ReadonlySet<string> = new Set(['routes.read', 'routes.flip', 'routes.override', 'parity.read', 'audit.read']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The auth context of the ADMIN_TOKEN (no tenant; every ops permission). */
export function adminTokenAuth(): AuthContext {
  return { kind: 'admin-token', userId: 'admin-token', actor: 'admin-token', roles: ['ops'], permissions: ADMIN_TOKEN_PERMISSIONS, portal: 'internal' };
}

/**
 * Guard for /_fig/*: every route there declares `config.permission`. A caller is accepted when
 * `request.auth` (set by gateway/plugins/auth.ts once identity lands) holds that permission, or
 * when it presents `Authorization: Bearer <ADMIN_TOKEN>`. Registered as an onRequest hook of
 * the ops scope only, so legacy-proxied routes never see it.
 */
export function opsGuard(app: FastifyInstance) {
  return async (request: FastifyRequest): Promise<void> => {
    const permission = request.routeOptions.config.permission;
    if (!permission) return;
    if (!request.auth) {
      const header = request.headers.authorization;
      const token = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
      const expected = app.config.ADMIN_TOKEN;
      if (token && expected && sameSecret(token, expected)) request.auth = adminTokenAuth();
      else if (!expected) {
        throw new AppError(
          'FIG_UNAUTHORIZED',
          401,
          'The ops API needs a signed-in ops user, and no ADMIN_TOKEN is configured on this gateway for automation. Set ADMIN_TOKEN (at least 16 characters) and send "Authorization: Bearer <token>".',
        );
      } else if (token) throw unauthorized('The bearer token is not valid for the ops API');
      else throw unauthorized('The ops API needs "Authorization: Bearer <ADMIN_TOKEN>" or a signed-in ops user');
    }
    if (!request.auth.permissions.has(permission)) throw forbidden(`This action needs the permission ${permission}`);
  };
}
