import { z } from 'zod';
import { isCommonPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords';

const Email = z.string().trim().toLowerCase().pipe(z.email().max(320));
/** A new password: 12 to 128 characters, not a common one (the account's own email/name: service). */
const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`)
  .refine((p) => !isCommonPassword(p), 'is a commonly used password: choose one that is harder to guess');

export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1).max(512),
  tenantId: z.uuid().optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.object({ tenantId: z.uuid().optional() }).default({});
export type RefreshBody = z.infer<typeof RefreshBody>;

export const TenantSummary = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  roles: z.array(z.string()),
});

export const MeBody = z.object({
  expiresIn: z.number().int(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  tenant: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  roles: z.array(z.string()),
  /** Platform roles (ops), granted by a platform operator; they apply in every organisation. */
  platformRoles: z.array(z.string()),
  permissions: z.array(z.string()),
  tenants: z.array(TenantSummary),
});
export type MeBody = z.infer<typeof MeBody>;

export const SessionBody = MeBody.extend({ accessToken: z.string() });
export type SessionBody = z.infer<typeof SessionBody>;

export const AcceptInvitationBody = z.object({
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  password: Password,
});
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationBody>;

export const PasswordResetRequestBody = z.object({ email: Email });
export const PasswordResetBody = z.object({ token: z.string().min(1).max(200), password: Password });
export const VerifyEmailBody = z.object({ token: z.string().min(1).max(200) });

/** Answer to "send me a link" requests; `token` only when AUTH_DEV_TOKENS is on. */
export const AcceptedBody = z.object({ accepted: z.literal(true), token: z.string().optional() });

/** Self-serve sign-up: a new organisation and its first administrator. */
export const SignUpBody = z.object({
  organisationName: z.string().trim().min(1).max(200),
  email: Email,
  name: z.string().trim().min(1).max(200),
  password: Password,
});
export type SignUpBody = z.infer<typeof SignUpBody>;
export const VerifySignUpBody = z.object({ token: z.string().min(1).max(200) });
export const SignUpVerifiedBody = z.object({
  organisation: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  email: z.string(),
});
export type SignUpVerifiedBody = z.infer<typeof SignUpVerifiedBody>;

/** Sign-in answer when a second factor is needed: give a code (`verify`) or set one up first (`enrol`). */
export const MfaChallengeBody = z.object({
  mfa: z.enum(['verify', 'enrol']),
  challengeToken: z.string(),
  expiresIn: z.number().int(),
});
export type MfaChallengeBody = z.infer<typeof MfaChallengeBody>;
export const LoginAnswer = z.union([SessionBody, MfaChallengeBody]);
const Code = z.string().trim().min(6).max(20);
export const MfaVerifyBody = z.object({ challengeToken: z.string().min(1).max(200), code: Code });
export const MfaSetupRequest = z.object({ challengeToken: z.string().min(1).max(200).optional() }).default({});
export const MfaSetupBody = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() });
export type MfaSetupBody = z.infer<typeof MfaSetupBody>;
export const MfaConfirmBody = z.object({ challengeToken: z.string().min(1).max(200).optional(), code: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code of your authenticator app') });
export const MfaConfirmedBody = z.object({ recoveryCodes: z.array(z.string()), session: SessionBody.optional() });
export const MfaDisableBody = z.object({ code: Code });
export const MfaStatusBody = z.object({
  enrolled: z.boolean(),
  confirmedAt: z.string().nullable(),
  recoveryCodesLeft: z.number().int(),
  /** Whether the current organisation requires MFA of this user's roles. */
  required: z.boolean(),
});
export type MfaStatusBody = z.infer<typeof MfaStatusBody>;
