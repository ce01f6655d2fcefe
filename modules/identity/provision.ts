import { withTenant, type Db } from '../core/db';
import { recordAudit } from '../audit/index';
import { addMember } from '../tenancy/repo';
import { hashPassword } from './passwords';
import * as repo from './repo';
import type { User } from './tables';

/** Create an organisation (owner connection; organisations are global). Idempotent on id. */
export async function createOrganisation(
  db: Db,
  org: { id?: string; name: string; slug: string },
): Promise<{ id: string; name: string; slug: string }> {
  const row = await db
    .insertInto('tenancy.organisations')
    .values({ ...(org.id ? { id: org.id } : {}), name: org.name, slug: org.slug })
    .onConflict((c) => c.column('id').doNothing())
    .returning(['id', 'name', 'slug'])
    .executeTakeFirst();
  return (
    row ??
    (await db
      .selectFrom('tenancy.organisations')
      .select(['id', 'name', 'slug'])
      .where('id', '=', org.id!)
      .executeTakeFirstOrThrow())
  );
}

/**
 * Make sure a user exists (created verified with `password` if new; an existing password is kept)
 * and is a member of the tenant with at least these roles. The membership and its audit event
 * commit together. Used by the demo seed and the test helpers.
 */
export async function provisionUser(
  db: Db,
  u: { email: string; name?: string; password: string; tenantId: string; roles: string[]; actor?: string },
): Promise<User> {
  let user = await repo.findUserByEmailAsOwner(db, u.email);
  if (!user) {
    const passwordHash = await hashPassword(u.password);
    user = await repo.insertUserAsOwner(db, {
      email: u.email,
      name: u.name ?? u.email.split('@')[0]!,
      passwordHash,
      verified: true,
    });
  }
  const userId = user.id;
  await withTenant(db, u.tenantId, async (trx) => {
    const before = await trx
      .selectFrom('tenancy.user_role_assignments')
      .select('role_key')
      .where('user_id', '=', userId)
      .execute();
    const had = new Set(before.map((r) => r.role_key));
    const wasMember = await trx
      .selectFrom('tenancy.memberships')
      .select('user_id')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    await addMember(trx, u.tenantId, userId, u.roles);
    if (!wasMember || u.roles.some((r) => !had.has(r))) {
      await recordAudit(trx, {
        tenantId: u.tenantId,
        actor: u.actor ?? 'system',
        action: wasMember ? 'member.roles.update' : 'member.add',
        entity: 'membership',
        entityId: userId,
        before: wasMember ? { roles: [...had].sort() } : null,
        after: { email: u.email, roles: [...new Set([...had, ...u.roles])].sort() },
      });
    }
  });
  return user;
}
