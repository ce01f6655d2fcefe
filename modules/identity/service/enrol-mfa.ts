import QRCode from 'qrcode';
import { withTenant } from '../../core/db';
import { recordAudit } from '../../audit/index';
import { IdentityErrors } from '../errors';
import { checkTotp, newRecoveryCodes, newTotp, openSecret, sealSecret } from '../mfa-secret';
import * as mfa from '../mfa-repo';
import * as repo from '../repo';
import type { MfaSetupBody, MfaStatusBody } from '../schema';
import { secrets, type IdentityDeps, type RequestMeta } from './context';
import { proveSecondFactor } from './mfa-challenge';
import { mfaRequiredFor } from './mfa-policy';

/** Who enrols: a signed-in user, or one half-way through a sign-in that requires enrolment. */
export interface MfaActor {
  userId: string;
  /** The organisation for the audit event (the session's or the one the sign-in asked for). */
  tenantId: string | undefined;
}

const auditIn = async (ctx: IdentityDeps, who: MfaActor, email: string, action: string, after: unknown, meta: RequestMeta) => {
  if (!who.tenantId) return;
  await withTenant(ctx.db, who.tenantId, (trx) =>
    recordAudit(trx, { tenantId: who.tenantId!, actor: email, actorId: who.userId, action, entity: 'user', entityId: who.userId, after, requestId: meta.requestId, ip: meta.ip }),
  );
};

/** POST /auth/mfa/setup: a new secret (pending until a first code confirms it) and its QR code. */
export async function setupMfa(ctx: IdentityDeps, who: MfaActor): Promise<MfaSetupBody> {
  const user = await repo.findUserAsOwner(ctx.db, who.userId);
  if (!user) throw IdentityErrors.accountGone();
  const { secret, uri } = newTotp(user.email);
  if (!(await mfa.upsertPendingFactor(ctx.db, user.id, sealSecret(secrets(ctx), secret)))) throw IdentityErrors.mfaAlreadyEnrolled();
  return { secret, otpauthUrl: uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) };
}

/** POST /auth/mfa/confirm: the first code confirms the authenticator; ten recovery codes, shown once. */
export async function confirmMfa(ctx: IdentityDeps, who: MfaActor, code: string, meta: RequestMeta): Promise<string[]> {
  const user = await repo.findUserAsOwner(ctx.db, who.userId);
  const factor = await mfa.findFactor(ctx.db, who.userId);
  if (!user || !factor) throw IdentityErrors.mfaNotStarted();
  if (factor.confirmedAt) throw IdentityErrors.mfaAlreadyEnrolled();
  const secret = openSecret(secrets(ctx), factor.secretEnc);
  const step = secret ? await checkTotp(secret, code.trim()) : undefined;
  if (step === undefined || !(await mfa.useStep(ctx.db, user.id, step))) throw IdentityErrors.mfaCodeInvalid();
  const { codes, hashes } = newRecoveryCodes();
  await mfa.replaceRecoveryCodes(ctx.db, user.id, hashes);
  await repo.insertAuthEvent(ctx.db, { type: 'mfa_enrolled', userId: user.id, email: user.email, ip: meta.ip, userAgent: meta.userAgent });
  await auditIn(ctx, who, user.email, 'mfa.enrol', { method: 'totp', recoveryCodes: codes.length }, meta);
  return codes;
}

/** GET /auth/mfa: the signed-in user's MFA state. */
export async function mfaStatus(ctx: IdentityDeps, who: MfaActor): Promise<MfaStatusBody> {
  const factor = await mfa.findFactor(ctx.db, who.userId);
  return {
    enrolled: !!factor?.confirmedAt,
    confirmedAt: factor?.confirmedAt?.toISOString() ?? null,
    recoveryCodesLeft: factor?.confirmedAt ? await mfa.countRecoveryCodes(ctx.db, who.userId) : 0,
    required: await mfaRequiredFor(ctx, who.userId, who.tenantId),
  };
}

/** POST /auth/mfa/disable: remove the authenticator (a current code or a recovery code proves it is you). */
export async function disableMfa(ctx: IdentityDeps, who: MfaActor, code: string, meta: RequestMeta): Promise<void> {
  const user = await repo.findUserAsOwner(ctx.db, who.userId);
  if (!user) throw IdentityErrors.accountGone();
  if (await mfaRequiredFor(ctx, who.userId, who.tenantId)) throw IdentityErrors.mfaRequired();
  if (!(await proveSecondFactor(ctx, user.id, code))) throw IdentityErrors.mfaCodeInvalid();
  await mfa.deleteFactor(ctx.db, user.id);
  await repo.insertAuthEvent(ctx.db, { type: 'mfa_disabled', userId: user.id, email: user.email, ip: meta.ip, userAgent: meta.userAgent });
  await auditIn(ctx, who, user.email, 'mfa.disable', { method: 'totp' }, meta);
}
