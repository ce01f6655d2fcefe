import { sql } from 'kysely';
import type { Db, Trx } from '../core/db';
import type { Invitation } from './tables';
import '../identity/tables';

export interface TenantSummary {
  id: string;
  name: string;
  slug: string;
  roles: string[];
}

/**
 * Every organisation a user is an active member of, with their roles there.
 * CROSS-TENANT: sign-in must learn the user's tenants before any tenant is chosen, so this calls
 * app.user_tenants (migrations/0040), a SECURITY DEFINER function that returns only this user's
 * rows; the app's own roles cannot read other tenants' memberships. See ADR 0002.
 */
export async function listUserTenantsAsOwner(db: Db, userId: string): Promise<TenantSummary[]> {
  const { rows } = await sql<TenantSummary>`select id, name, slug, roles from app.user_tenants(${userId}::uuid)`.execute(db);
  return rows;
}

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  roles: string[];
  createdAt: Date;
}

function membersQuery(trx: Trx) {
  return trx
    .selectFrom('tenancy.memberships as m')
    .innerJoin('identity.users as u', 'u.id', 'm.user_id')
    .leftJoin('tenancy.user_role_assignments as a', (j) =>
      j.onRef('a.tenant_id', '=', 'm.tenant_id').onRef('a.user_id', '=', 'm.user_id'),
    )
    .select([
      'm.user_id as userId',
      'u.email',
      'u.name',
      'm.status',
      'm.created_at as createdAt',
      sql<
        string[]
      >`coalesce(array_agg(a.role_key order by a.role_key) filter (where a.role_key is not null), '{}')`.as(
        'roles',
      ),
    ])
    .groupBy(['m.user_id', 'u.email', 'u.name', 'm.status', 'm.created_at']);
}

/** Members of the transaction's tenant (RLS), by email. */
export async function listMembers(
  trx: Trx,
  offset: number,
  limit: number,
): Promise<{ rows: MemberRow[]; total: number }> {
  const rows = await membersQuery(trx).orderBy('u.email').offset(offset).limit(limit).execute();
  const { n } = await trx
    .selectFrom('tenancy.memberships')
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

/** Invitations of the transaction's tenant (RLS), newest first. */
export async function listInvitations(
  trx: Trx,
  offset: number,
  limit: number,
): Promise<{ rows: Invitation[]; total: number }> {
  const rows = await trx
    .selectFrom('tenancy.invitations')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .offset(offset)
    .limit(limit)
    .execute();
  const { n } = await trx
    .selectFrom('tenancy.invitations')
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

/** One member of the transaction's tenant, or undefined (also for members of other tenants: RLS). */
export async function findMember(trx: Trx, userId: string): Promise<MemberRow | undefined> {
  return membersQuery(trx).where('m.user_id', '=', userId).executeTakeFirst();
}

/** Replace a member's roles in the transaction's tenant. */
export async function setMemberRoles(
  trx: Trx,
  tenantId: string,
  userId: string,
  roles: string[],
): Promise<void> {
  await trx.deleteFrom('tenancy.user_role_assignments').where('user_id', '=', userId).execute();
  if (roles.length) {
    await trx
      .insertInto('tenancy.user_role_assignments')
      .values(roles.map((role_key) => ({ tenant_id: tenantId, user_id: userId, role_key })))
      .execute();
  }
}

/** Add a membership (idempotent) with extra roles, in the transaction's tenant. */
export async function addMember(trx: Trx, tenantId: string, userId: string, roles: string[]): Promise<void> {
  await trx
    .insertInto('tenancy.memberships')
    .values({ tenant_id: tenantId, user_id: userId })
    .onConflict((c) => c.columns(['tenant_id', 'user_id']).doNothing())
    .execute();
  if (roles.length) {
    await trx
      .insertInto('tenancy.user_role_assignments')
      .values(roles.map((role_key) => ({ tenant_id: tenantId, user_id: userId, role_key })))
      .onConflict((c) => c.columns(['tenant_id', 'user_id', 'role_key']).doNothing())
      .execute();
  }
}

/** Number of active members holding a role in the transaction's tenant. */
export async function countRoleHolders(trx: Trx, role: string): Promise<number> {
  const { n } = await trx
    .selectFrom('tenancy.user_role_assignments as a')
    .innerJoin('tenancy.memberships as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.user_id', '=', 'a.user_id'),
    )
    .select(sql<string>`count(*)`.as('n'))
    .where('a.role_key', '=', role)
    .where('m.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function removeMember(trx: Trx, userId: string): Promise<boolean> {
  const res = await trx.deleteFrom('tenancy.memberships').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** The organisation of the transaction's tenant (RLS shows only it). */
export async function findOwnOrganisation(trx: Trx) {
  return trx.selectFrom('tenancy.organisations').select(['id', 'name', 'slug']).executeTakeFirst();
}

/**
 * The invitation a token belongs to. CROSS-TENANT: the person accepting has
 * no session yet; the token's hash is the only key and it names exactly one invitation.
 */
export async function findInvitationByHashAsOwner(db: Db | Trx, tokenHash: string): Promise<Invitation | undefined> {
  // app.invitation_by_token_hash (migrations/0040, SECURITY DEFINER): the app's roles cannot read
  // invitations outside its tenant, and this one is looked up before any tenant is known.
  const { rows } = await sql<Invitation>`select * from app.invitation_by_token_hash(${tokenHash})`.execute(db);
  return rows[0];
}
