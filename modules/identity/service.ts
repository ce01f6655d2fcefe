import { identityContext, mintLinkToken, type IdentityDeps } from './service/context';
import { acceptInvitation } from './service/accept-invitation';
import { getMe } from './service/get-me';
import { refreshSession } from './service/refresh-session';
import { requestPasswordReset } from './service/request-password-reset';
import { resetPassword } from './service/reset-password';
import { bumpPermsVersion } from './service/revoke-access';
import { grantPlatformRole, revokePlatformRole } from './service/grant-platform-role';
import { listPlatformGrants, listPlatformRoleEvents } from './platform-repo';
import { signIn } from './service/sign-in';
import { signOut, signOutEverywhere } from './service/sign-out';
import { requestEmailVerification, verifyEmail } from './service/verify-email';
import { requestSignUp, verifySignUp } from './service/sign-up';
import { confirmMfa, disableMfa, mfaStatus, setupMfa } from './service/enrol-mfa';
import { takeChallenge, verifyMfaChallenge } from './service/mfa-challenge';
import { hasConfirmedMfa } from './service/mfa-policy';
import { confirmMfaAtSignIn, setupMfaAtSignIn } from './service/enrol-at-sign-in';
import type { TokenPurpose } from './secret-tokens';

export type { IdentityDeps, IdentityContext, IssuedSession, RequestMeta } from './service/context';

type Bound<D, F> = F extends (deps: D, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind =
  <D, A extends unknown[], R>(deps: D, fn: (deps: D, ...args: A) => R) =>
  (...args: A): R =>
    fn(deps, ...args);

/**
 * The identity use cases (one per file in service/) bound to their dependencies: sign-in, sessions
 * (rotating refresh tokens), email verification, password reset, invitation acceptance, platform roles.
 */
export function createIdentityService(deps: IdentityDeps) {
  const ctx = identityContext(deps);
  return {
    throttle: ctx.throttle,
    login: bind(ctx, signIn) as Bound<typeof ctx, typeof signIn>,
    refresh: bind(ctx, refreshSession) as Bound<typeof ctx, typeof refreshSession>,
    logout: bind(ctx, signOut) as Bound<typeof ctx, typeof signOut>,
    logoutAll: bind(ctx, signOutEverywhere) as Bound<typeof ctx, typeof signOutEverywhere>,
    me: bind(ctx, getMe) as Bound<typeof ctx, typeof getMe>,
    requestPasswordReset: bind(ctx, requestPasswordReset) as Bound<typeof ctx, typeof requestPasswordReset>,
    resetPassword: bind(ctx, resetPassword) as Bound<typeof ctx, typeof resetPassword>,
    requestEmailVerification: bind(ctx, requestEmailVerification) as Bound<typeof ctx, typeof requestEmailVerification>,
    verifyEmail: bind(ctx, verifyEmail) as Bound<typeof ctx, typeof verifyEmail>,
    acceptInvitation: bind(ctx, acceptInvitation) as Bound<typeof ctx, typeof acceptInvitation>,
    requestSignUp: bind(ctx, requestSignUp) as Bound<typeof ctx, typeof requestSignUp>,
    verifySignUp: bind(ctx, verifySignUp) as Bound<typeof ctx, typeof verifySignUp>,
    verifyMfaChallenge: bind(ctx, verifyMfaChallenge) as Bound<typeof ctx, typeof verifyMfaChallenge>,
    takeMfaChallenge: bind(ctx, takeChallenge) as Bound<typeof ctx, typeof takeChallenge>,
    setupMfa: bind(ctx, setupMfa) as Bound<typeof ctx, typeof setupMfa>,
    confirmMfa: bind(ctx, confirmMfa) as Bound<typeof ctx, typeof confirmMfa>,
    mfaStatus: bind(ctx, mfaStatus) as Bound<typeof ctx, typeof mfaStatus>,
    disableMfa: bind(ctx, disableMfa) as Bound<typeof ctx, typeof disableMfa>,
    hasConfirmedMfa: bind(ctx, hasConfirmedMfa) as Bound<typeof ctx, typeof hasConfirmedMfa>,
    setupMfaAtSignIn: bind(ctx, setupMfaAtSignIn) as Bound<typeof ctx, typeof setupMfaAtSignIn>,
    confirmMfaAtSignIn: bind(ctx, confirmMfaAtSignIn) as Bound<typeof ctx, typeof confirmMfaAtSignIn>,
    grantPlatformRole: bind(ctx, grantPlatformRole) as Bound<typeof ctx, typeof grantPlatformRole>,
    revokePlatformRole: bind(ctx, revokePlatformRole) as Bound<typeof ctx, typeof revokePlatformRole>,
    /** Who holds a platform role, by email then role. */
    listPlatformGrants: () => listPlatformGrants(ctx.db),
    /** Platform grants and revokes, newest first. */
    listPlatformRoleEvents: (limit: number) => listPlatformRoleEvents(ctx.db, limit),
    /** Make every access token of the user older than now invalid (role change, logout-all, reset). */
    bumpPermsVersion: (userId: string) => bumpPermsVersion(ctx, userId),
    /** A signed single-use token for a mailed link. */
    mintLinkToken: (purpose: TokenPurpose) => mintLinkToken(ctx, purpose),
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
