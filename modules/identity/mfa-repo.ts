import { sql } from 'kysely';
import type { Executor } from './repo';
import './tables';

/*
 * identity.mfa_factors, identity.mfa_recovery_codes and the mfa_challenge action tokens (owner-only).
 */

export interface MfaFactor {
  secretEnc: string;
  confirmedAt: Date | null;
  lastStep: number | null;
}

/** The user's authenticator, confirmed or not. */
export async function findFactor(db: Executor, userId: string): Promise<MfaFactor | undefined> {
  const row = await db
    .selectFrom('identity.mfa_factors')
    .select(['secret_enc', 'confirmed_at', 'last_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && { secretEnc: row.secret_enc, confirmedAt: row.confirmed_at, lastStep: row.last_step === null ? null : Number(row.last_step) };
}

/** Start (or restart) an unconfirmed enrolment; a confirmed factor is never replaced here. */
export async function upsertPendingFactor(db: Executor, userId: string, secretEnc: string): Promise<boolean> {
  const res = await db
    .insertInto('identity.mfa_factors')
    .values({ user_id: userId, secret_enc: secretEnc })
    .onConflict((c) => c.column('user_id').doUpdateSet({ secret_enc: secretEnc, created_at: new Date() }).where('identity.mfa_factors.confirmed_at', 'is', null))
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows) === 1;
}

/**
 * Record that a code of this time step was used (confirming the factor if it was pending). False
 * when a code of this step or a later one was already used: a replayed code.
 */
export async function useStep(db: Executor, userId: string, step: number): Promise<boolean> {
  const res = await db
    .updateTable('identity.mfa_factors')
    .set({ last_step: String(step), confirmed_at: sql`coalesce(confirmed_at, now())` })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', String(step))]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Remove the factor and its recovery codes. */
export async function deleteFactor(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('identity.mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('identity.mfa_factors').where('user_id', '=', userId).execute();
}

/** Replace the user's recovery codes. */
export async function replaceRecoveryCodes(db: Executor, userId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('identity.mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db.insertInto('identity.mfa_recovery_codes').values(hashes.map((code_hash) => ({ user_id: userId, code_hash }))).execute();
}

/** Use a recovery code once; false when unknown or used. */
export async function useRecoveryCode(db: Executor, userId: string, hash: string): Promise<boolean> {
  const res = await db
    .updateTable('identity.mfa_recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Unused recovery codes left. */
export async function countRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('identity.mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface MfaChallenge {
  id: string;
  userId: string;
  tenantId: string | null;
  attempts: number;
}

/** Store a challenge (the step between a right password and the code). */
export async function insertChallenge(db: Executor, c: { userId: string; tenantId: string | null; tokenHash: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('identity.action_tokens')
    .values({ user_id: c.userId, purpose: 'mfa_challenge', token_hash: c.tokenHash, expires_at: c.expiresAt, tenant_id: c.tenantId })
    .execute();
}

/** A live challenge (not used, not expired, under the attempt limit). */
export async function findChallenge(db: Executor, tokenHash: string, maxAttempts: number): Promise<MfaChallenge | undefined> {
  const row = await db
    .selectFrom('identity.action_tokens')
    .select(['id', 'user_id', 'tenant_id', 'attempts'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', 'mfa_challenge')
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .where('attempts', '<', maxAttempts)
    .executeTakeFirst();
  return row && { id: row.id, userId: row.user_id, tenantId: row.tenant_id, attempts: row.attempts };
}

/** Count a wrong code against the challenge. */
export async function failChallenge(db: Executor, id: string): Promise<void> {
  await db.updateTable('identity.action_tokens').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
}

/** Use the challenge once (false when another request used it first). */
export async function consumeChallenge(db: Executor, id: string): Promise<boolean> {
  const res = await db.updateTable('identity.action_tokens').set({ used_at: new Date() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
