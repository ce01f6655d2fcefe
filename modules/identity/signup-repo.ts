import type { Executor } from './repo';
import type { Signup } from './tables';

/** Store a pending sign-up (owner connection). */
export async function insertSignup(
  db: Executor,
  s: { organisationName: string; email: string; name: string; passwordHash: string; tokenHash: string; expiresAt: Date; ip: string | null },
): Promise<void> {
  await db
    .insertInto('identity.signups')
    .values({
      organisation_name: s.organisationName,
      email: s.email,
      name: s.name,
      password_hash: s.passwordHash,
      token_hash: s.tokenHash,
      expires_at: s.expiresAt,
      ip: s.ip,
    })
    .execute();
}

/** Sign-ups for this address since a moment (a cap on mails one address can be sent). */
export async function countRecentSignups(db: Executor, email: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('identity.signups')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('email', '=', email)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Take a pending sign-up by its token hash: marks it completed with the organisation id it gets,
 * in one statement, so a link opened twice (or by two tabs at once) founds one organisation.
 */
export async function completeSignup(
  db: Executor,
  tokenHash: string,
  tenantId: string,
  now: Date,
): Promise<Signup | undefined> {
  return db
    .updateTable('identity.signups')
    .set({ completed_at: now, tenant_id: tenantId })
    .where('token_hash', '=', tokenHash)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}
