import type { Db } from '../core/db';
import { ensureMember } from '../tenancy/index';
import { hashPassword } from './passwords';
import * as repo from './repo';
import type { User } from './tables';

/**
 * Make sure a user exists (created verified with `password` if new; an existing password is kept)
 * and is a member of the tenant with at least these roles (tenancy writes the membership and its
 * audit event together). Used by the demo seed and the test helpers.
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
  await ensureMember(db, { tenantId: u.tenantId, userId: user.id, email: u.email, roles: u.roles, actor: u.actor ?? 'system' });
  return user;
}
