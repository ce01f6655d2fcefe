import { sql } from 'kysely';
import { APP_ROLE, type Db, type Trx } from '../../core/db';
import type { FieldError } from '../../core/errors';
import { recordAudit } from '../../audit/index';
import { TenancyErrors } from '../errors';
import type { Rbac } from '../rbac';
import type { MembershipRow } from '../repo';
import type { Member } from '../schema';

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A user as tenancy sees one: identity owns the row, tenancy only shows it. */
export interface TenantUser {
  id: string;
  email: string;
  name: string;
}

/** A message for identity's outbox (invitation mails). */
export interface OutboxMessage {
  kind: string;
  to: string;
  subject: string;
  body: string;
  payload?: Record<string, unknown>;
}

/**
 * What tenancy needs from identity, handed in by the gateway (gateway/modules.ts) so tenancy never
 * imports identity (identity imports tenancy's index: the other direction would be a cycle).
 */
export interface IdentityPort {
  /** Invalidate the user's access tokens (their roles or membership changed). */
  bumpPermsVersion(userId: string): Promise<unknown>;
  /** A signed single-use invitation token and the hash to store. */
  mintInvitationToken(): { token: string; hash: string };
  /** Queue a mail in the caller's transaction. */
  enqueueMessage(trx: Trx, m: OutboxMessage): Promise<void>;
  /** Users visible in a tenant transaction (RLS: exactly the tenant's members), by email, with the total. */
  listTenantUsers(trx: Trx, offset: number, limit: number): Promise<{ rows: TenantUser[]; total: number }>;
  /** One user visible in a tenant transaction (a member of it), by id or email. */
  findTenantUser(trx: Trx, by: { id: string } | { email: string }): Promise<TenantUser | undefined>;
  /** Whether the user has a confirmed MFA authenticator. */
  hasConfirmedMfa(userId: string): Promise<boolean>;
}

export interface TenancyDeps {
  db: Db;
  rbac: Rbac;
  identity: IdentityPort;
  /** Return the invitation token in the API answer (development and tests only). */
  devTokens: boolean;
  clock?: () => Date;
}

/** Who is acting, for tenancy and the audit trail. */
export interface Caller {
  tenantId: string;
  actor: string;
  /** User id of a signed-in user; null for the admin token. */
  actorId: string | null;
  requestId: string;
  ip: string;
}

/** A membership row and its user, as the API shows it. */
export const toMember = (m: MembershipRow, u: TenantUser): Member => ({
  userId: m.userId,
  email: u.email,
  name: u.name,
  status: m.status,
  roles: m.roles,
  createdAt: m.createdAt.toISOString(),
});

/**
 * Only tenant roles are granted inside an organisation: a platform role (ops) acts on every
 * tenant's traffic and is granted by a platform operator alone (/_fig/platform/grants).
 * Returns the roles deduplicated and sorted; 400 listing every bad one.
 */
export function checkTenantRoles(rbac: Rbac, roles: string[]): string[] {
  const errors: FieldError[] = roles.flatMap((r, i): FieldError[] => {
    const scope = rbac.scopeOf(r);
    if (scope === 'tenant') return [];
    const path = `body.roles[${i}]`;
    return scope === 'platform'
      ? [{ path, code: 'platform_role', message: `${r} is a platform role: only a platform operator grants it, never an organisation` }]
      : [{ path, message: `unknown role ${r}` }];
  });
  if (errors.length) throw TenancyErrors.invalidRoles(errors);
  return [...new Set(roles)].sort();
}

/** Record an audit event of the caller's tenant in the caller's transaction. */
export function audit(
  trx: Trx,
  caller: Caller,
  e: { action: string; entity: string; entityId: string; before?: unknown; after?: unknown },
) {
  return recordAudit(trx, {
    tenantId: caller.tenantId,
    actor: caller.actor,
    actorId: caller.actorId,
    requestId: caller.requestId,
    ip: caller.ip,
    ...e,
  });
}

/**
 * Switch an owner transaction to one tenant half-way (the same as withTenant does at its start),
 * for flows that must first read global/cross-tenant rows and then write tenant rows atomically.
 */
export async function switchToTenant(trx: Trx, tenantId: string): Promise<void> {
  await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
  await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
}
