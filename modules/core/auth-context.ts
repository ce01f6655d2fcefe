import type { FastifyRequest } from 'fastify';
import { AppError, unauthorized } from './errors';

/**
 * Who is calling, as established by gateway/plugins/auth.ts from a verified access token
 * (or the ADMIN_TOKEN for automation). Handlers read it; they never parse tokens themselves.
 * A client portal token (`kind: 'portal'`, `portal: 'customer'`, ADR 0027) has no roles and no
 * permissions; the guard lets it reach only routes whose config says `portal: 'customer'`.
 */
export interface AuthContext {
  kind: 'user' | 'admin-token' | 'portal';
  /** User id (uuid) or 'admin-token'. */
  userId: string;
  /** Display name for audit trails ("ops@acme.test", "admin-token"). */
  actor: string;
  /** Tenant of this session; undefined only for the admin token. */
  tenantId?: string;
  /** Tenant roles in `tenantId`. */
  roles: string[];
  /** Platform roles (granted by a platform operator, never through a tenant). */
  platformRoles: string[];
  permissions: ReadonlySet<string>;
  portal: 'internal' | 'customer';
  /** Portal tokens only: the customer (apar party id) every read is limited to. */
  customerId?: number;
  /** Portal tokens only: the magic link the session came from (revocation compares it, ADR 0032). */
  portalLinkId?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
  interface FastifyContextConfig {
    /** Permission key the route requires (e.g. 'plans.write'); checked before the handler. */
    permission?: string;
    /** Route is open to anonymous callers (login, refresh, health). */
    public?: boolean;
    /**
     * A client portal route: it accepts only portal tokens of this kind (and, with `public`, no
     * token); every route without it refuses portal tokens (ADR 0027).
     */
    portal?: 'customer';
    /**
     * Browser pages that cannot send a bearer header (Bull Board): when the request has no
     * Authorization header, the access token is read from this cookie (HttpOnly, SameSite=Strict,
     * path-scoped, set by the route's own session endpoint). The permission check is unchanged.
     */
    cookieAuth?: string;
  }
}

/** The caller's auth context, or a 401 problem. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

/** The caller's tenant id, or a 401/400 problem when the caller has none. */
export function requireTenant(request: FastifyRequest): string {
  const auth = requireAuth(request);
  if (!auth.tenantId) throw new AppError('FIG_TENANT_REQUIRED', 400, 'This action needs a tenant: sign in as a user of an organisation');
  return auth.tenantId;
}

/** Who acts on a platform-scoped (`/_fig/*`) write, for its audit row: the caller, their user id (null for the admin token), the request. */
export function platformActorOf(request: FastifyRequest): { actor: string; actorId: string | null; requestId: string; ip: string } {
  const auth = requireAuth(request);
  return { actor: auth.actor, actorId: auth.kind === 'user' ? auth.userId : null, requestId: String(request.id), ip: request.ip };
}
