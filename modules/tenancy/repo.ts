import { sql } from 'kysely';
import type { Db, Trx } from '../core/db';
import type { Invitation } from './tables';

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
  const { rows } = await sql<TenantSummary>`select id, name, slug, roles from app.user_tenants(${userId}::uuid) where not suspended`.execute(db);
  return rows;
}

/** The user's suspended organisations (same function; sign-in names them in its refusal). */
export async function listSuspendedUserTenantsAsOwner(db: Db, userId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await sql<{ id: string; name: string }>`select id, name from app.user_tenants(${userId}::uuid) where suspended`.execute(db);
  return rows;
}

/** A membership of the transaction's tenant and its roles (the user's email and name are identity's). */
export interface MembershipRow {
  userId: string;
  status: 'active' | 'disabled';
  roles: string[];
  createdAt: Date;
}

function membershipsQuery(trx: Trx) {
  return trx
    .selectFrom('tenancy.memberships as m')
    .leftJoin('tenancy.user_role_assignments as a', (j) =>
      j.onRef('a.tenant_id', '=', 'm.tenant_id').onRef('a.user_id', '=', 'm.user_id'),
    )
    .select([
      'm.user_id as userId',
      'm.status',
      'm.created_at as createdAt',
      sql<string[]>`coalesce(array_agg(a.role_key order by a.role_key) filter (where a.role_key is not null), '{}')`.as('roles'),
    ])
    .groupBy(['m.user_id', 'm.status', 'm.created_at']);
}

/** The memberships of these users in the transaction's tenant (RLS), in no particular order. */
export async function listMemberships(trx: Trx, userIds: string[]): Promise<MembershipRow[]> {
  if (!userIds.length) return [];
  return membershipsQuery(trx).where('m.user_id', 'in', userIds).execute();
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

/** One membership of the transaction's tenant, or undefined (also for other tenants' members: RLS). */
export async function findMembership(trx: Trx, userId: string): Promise<MembershipRow | undefined> {
  return membershipsQuery(trx).where('m.user_id', '=', userId).executeTakeFirst();
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

/** Delete a membership of the transaction's tenant; false when there was none. */
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

/** Insert a pending invitation in the transaction's tenant; returns its id. */
export async function insertInvitation(
  trx: Trx,
  i: { tenantId: string; email: string; roles: string[]; tokenHash: string; invitedBy: string | null; invitedByActor: string; expiresAt: Date },
): Promise<string> {
  const row = await trx
    .insertInto('tenancy.invitations')
    .values({
      tenant_id: i.tenantId,
      email: i.email,
      roles: i.roles,
      token_hash: i.tokenHash,
      invited_by: i.invitedBy,
      invited_by_actor: i.invitedByActor,
      expires_at: i.expiresAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Revoke a pending invitation of the transaction's tenant; undefined when none is pending. */
export async function revokeInvitation(trx: Trx, id: string, now: Date): Promise<{ email: string; roles: string[] } | undefined> {
  return trx
    .updateTable('tenancy.invitations')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['email', 'roles'])
    .executeTakeFirst();
}

/** Mark a pending invitation accepted by a user; false when someone else used or revoked it first. */
export async function markInvitationAccepted(trx: Trx, id: string, userId: string, now: Date): Promise<boolean> {
  const taken = await trx
    .updateTable('tenancy.invitations')
    .set({ accepted_at: now, accepted_user_id: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

/** The role keys a user holds in the transaction's tenant. */
export async function listRoleKeys(trx: Trx, userId: string): Promise<string[]> {
  const rows = await trx.selectFrom('tenancy.user_role_assignments').select('role_key').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role_key);
}

/** Insert an organisation (owner connection: organisations are global); undefined when the id exists. */
export async function insertOrganisationAsOwner(
  db: Db,
  org: { id?: string; name: string; slug: string },
): Promise<{ id: string; name: string; slug: string } | undefined> {
  return db
    .insertInto('tenancy.organisations')
    .values({ ...(org.id ? { id: org.id } : {}), name: org.name, slug: org.slug })
    .onConflict((c) => c.column('id').doNothing())
    .returning(['id', 'name', 'slug'])
    .executeTakeFirst();
}

/** An organisation by id (owner connection). */
export async function getOrganisationAsOwner(db: Db, id: string): Promise<{ id: string; name: string; slug: string }> {
  return db.selectFrom('tenancy.organisations').select(['id', 'name', 'slug']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** An organisation as the platform lists it. */
export interface OrganisationRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
  suspended_at: Date | null;
  suspended_reason: string | null;
}

/** Every organisation (fig_service: organisations are global), by name, with a status filter. */
export async function listOrganisationsAsOwner(
  db: Db,
  q: { status?: 'active' | 'suspended'; search?: string },
  offset: number,
  limit: number,
): Promise<{ rows: OrganisationRow[]; total: number }> {
  let base = db.selectFrom('tenancy.organisations');
  if (q.status === 'active') base = base.where('suspended_at', 'is', null);
  if (q.status === 'suspended') base = base.where('suspended_at', 'is not', null);
  if (q.search) base = base.where((eb) => eb.or([eb('name', 'ilike', `%${q.search}%`), eb('slug', 'ilike', `%${q.search}%`)]));
  const [rows, total] = await Promise.all([
    base
      .select(['id', 'name', 'slug', 'created_at', 'suspended_at', 'suspended_reason'])
      .orderBy('name')
      .orderBy('id')
      .offset(offset)
      .limit(limit + 1)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** One organisation by id or slug (fig_service), or undefined. */
export async function findOrganisationAsOwner(db: Db | Trx, idOrSlug: string): Promise<OrganisationRow | undefined> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrSlug);
  return db
    .selectFrom('tenancy.organisations')
    .select(['id', 'name', 'slug', 'created_at', 'suspended_at', 'suspended_reason'])
    .where(isUuid ? 'id' : 'slug', '=', idOrSlug)
    .executeTakeFirst();
}

/** Suspend (a reason) or reactivate (null) an organisation; false when it was already so. */
export async function setSuspendedAsOwner(db: Db | Trx, id: string, reason: string | null, now: Date): Promise<boolean> {
  const res = await db
    .updateTable('tenancy.organisations')
    .set({ suspended_at: reason === null ? null : now, suspended_reason: reason })
    .where('id', '=', id)
    .where('suspended_at', reason === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** User ids of every member of the transaction's tenant (RLS), to end their access tokens. */
export async function listMemberUserIds(trx: Trx): Promise<string[]> {
  const rows = await trx.selectFrom('tenancy.memberships').select('user_id').execute();
  return rows.map((r) => r.user_id);
}

/** Whether the organisation requires MFA of its admin, finance and ops users (owner connection). */
export async function isMfaRequiredAsOwner(db: Db | Trx, tenantId: string): Promise<boolean> {
  const row = await db.selectFrom('tenancy.organisations').select('mfa_required').where('id', '=', tenantId).executeTakeFirst();
  return row?.mfa_required ?? false;
}

/** Turn the organisation's MFA requirement on or off; the value it had before. */
export async function setMfaRequiredAsOwner(db: Db | Trx, tenantId: string, required: boolean): Promise<boolean> {
  const before = await isMfaRequiredAsOwner(db, tenantId);
  await db.updateTable('tenancy.organisations').set({ mfa_required: required }).where('id', '=', tenantId).execute();
  return before;
}
