import { withTenant } from '../../core/db';
import { recordAudit } from '../../audit/index';
import { listUserTenantsAsOwner } from '../../tenancy/index';
import { IdentityErrors } from '../errors';
import { checkTotp, openSecret, recoveryHash } from '../mfa-secret';
import * as mfa from '../mfa-repo';
import * as repo from '../repo';
import { checkSignedToken } from '../secret-tokens';
import type { MfaChallengeBody } from '../schema';
import type { User } from '../tables';
import { mintLinkToken, secrets, type IdentityDeps, type IssuedSession, type RequestMeta } from './context';
import { issueSession } from './issue-session';
import type { MfaStep } from './mfa-policy';

const CHALLENGE_TTL_S = 300;
/** Wrong codes one challenge takes before it is dead (sign in with the password again). */
export const CHALLENGE_MAX_ATTEMPTS = 5;

/** After a right password: a short-lived, single-use challenge instead of a session. */
export async function startChallenge(ctx: IdentityDeps, user: User, tenantId: string | undefined, step: Exclude<MfaStep, 'none'>): Promise<MfaChallengeBody> {
  const { token, hash } = mintLinkToken(ctx, 'mfa_challenge');
  // The organisation the sign-in lands in (its first one unless asked), for the session and audit.
  const tenant = tenantId ?? (await listUserTenantsAsOwner(ctx.db, user.id))[0]?.id;
  await mfa.insertChallenge(ctx.db, { userId: user.id, tenantId: tenant ?? null, tokenHash: hash, expiresAt: new Date(Date.now() + CHALLENGE_TTL_S * 1000) });
  return { mfa: step, challengeToken: token, expiresIn: CHALLENGE_TTL_S };
}

/** The live challenge a token names, or FIG_MFA_CHALLENGE_INVALID. */
export async function takeChallenge(ctx: IdentityDeps, token: string): Promise<mfa.MfaChallenge> {
  const hash = checkSignedToken(secrets(ctx), 'mfa_challenge', token);
  const challenge = hash ? await mfa.findChallenge(ctx.db, hash, CHALLENGE_MAX_ATTEMPTS) : undefined;
  if (!challenge) throw IdentityErrors.mfaChallengeInvalid();
  return challenge;
}

/**
 * Check a second factor for the user: a 6-digit TOTP code (each time step once) or an unused
 * recovery code. Returns how it was proven, or undefined.
 */
export async function proveSecondFactor(ctx: IdentityDeps, userId: string, code: string): Promise<'totp' | 'recovery_code' | undefined> {
  const factor = await mfa.findFactor(ctx.db, userId);
  if (!factor?.confirmedAt) return undefined;
  const trimmed = code.replace(/\s+/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const secret = openSecret(secrets(ctx), factor.secretEnc);
    const step = secret ? await checkTotp(secret, trimmed) : undefined;
    return step !== undefined && (await mfa.useStep(ctx.db, userId, step)) ? 'totp' : undefined;
  }
  return (await mfa.useRecoveryCode(ctx.db, userId, recoveryHash(trimmed))) ? 'recovery_code' : undefined;
}

/** POST /auth/mfa/verify: the code for a sign-in challenge; a session when it is right. */
export async function verifyMfaChallenge(ctx: IdentityDeps, input: { challengeToken: string; code: string }, meta: RequestMeta): Promise<IssuedSession> {
  const challenge = await takeChallenge(ctx, input.challengeToken);
  const user = await repo.findUserAsOwner(ctx.db, challenge.userId);
  if (!user || user.disabled_at) throw IdentityErrors.mfaChallengeInvalid();
  const how = await proveSecondFactor(ctx, user.id, input.code);
  if (!how) {
    await mfa.failChallenge(ctx.db, challenge.id);
    await repo.insertAuthEvent(ctx.db, { type: 'mfa_challenge_failed', userId: user.id, email: user.email, ip: meta.ip, userAgent: meta.userAgent, detail: { attempt: challenge.attempts + 1 } });
    throw IdentityErrors.mfaCodeInvalid(CHALLENGE_MAX_ATTEMPTS - challenge.attempts - 1);
  }
  if (!(await mfa.consumeChallenge(ctx.db, challenge.id))) throw IdentityErrors.mfaChallengeInvalid();
  const issued = await issueSession(ctx, user, challenge.tenantId ?? undefined, undefined, meta);
  await repo.insertAuthEvent(ctx.db, { type: how === 'totp' ? 'login_success' : 'mfa_recovery_code_used', userId: user.id, email: user.email, ip: meta.ip, userAgent: meta.userAgent, detail: { tenantId: issued.body.tenant.id, mfa: how } });
  if (how === 'recovery_code') {
    const left = await mfa.countRecoveryCodes(ctx.db, user.id);
    await withTenant(ctx.db, issued.body.tenant.id, (trx) =>
      recordAudit(trx, { tenantId: issued.body.tenant.id, actor: user.email, actorId: user.id, action: 'mfa.recovery_code.use', entity: 'user', entityId: user.id, after: { recoveryCodesLeft: left }, requestId: meta.requestId, ip: meta.ip }),
    );
  }
  return issued;
}
