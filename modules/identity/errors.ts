import { AppError, badRequest, forbidden } from '../core/errors';

/** Stable codes of the identity module's expected failures. */
export const IdentityErrors = {
  invalidCredentials: () => new AppError('FIG_INVALID_CREDENTIALS', 401, 'Email or password is wrong'),
  refreshInvalid: () => new AppError('FIG_REFRESH_INVALID', 401, 'The session has ended: sign in again'),
  refreshReused: () =>
    new AppError('FIG_REFRESH_REUSED', 401, 'This session was ended because its refresh token was used twice: sign in again'),
  tokenInvalid: () => badRequest('The link is invalid, expired or was already used', [], 'FIG_TOKEN_INVALID'),
  invitationInvalid: () => badRequest('The invitation is invalid, expired or was already used', [], 'FIG_INVITATION_INVALID'),
  weakPassword: (message: string) => badRequest('1 invalid field(s)', [{ path: 'body.password', message }], 'FIG_VALIDATION'),
  authUnavailable: () =>
    new AppError('FIG_AUTH_UNAVAILABLE', 503, 'Sign-in is unavailable for a moment; try again shortly', [], { retryAfter: 30 }),
  loginLocked: (seconds: number) =>
    new AppError('FIG_LOGIN_LOCKED', 429, `Too many failed sign-ins; try again in ${seconds} s`, [], { retryAfter: seconds }),
  accountDisabled: () => new AppError('FIG_ACCOUNT_DISABLED', 403, 'This account is disabled'),
  accountExists: () =>
    new AppError('FIG_ACCOUNT_EXISTS', 401, 'This email already has a fig account: accept with its current password'),
  signUpClosed: () => new AppError('FIG_SIGNUP_CLOSED', 403, 'Self-serve sign-up is turned off here: ask the fig platform team for an organisation'),
  mfaChallengeInvalid: () =>
    new AppError('FIG_MFA_CHALLENGE_INVALID', 401, 'The sign-in step expired, was used, or had too many wrong codes: sign in with your password again'),
  mfaCodeInvalid: (attemptsLeft?: number) =>
    new AppError('FIG_MFA_CODE_INVALID', 401, `The code is wrong or was already used${attemptsLeft !== undefined ? `; ${Math.max(attemptsLeft, 0)} attempt(s) left` : ''}`),
  mfaAlreadyEnrolled: () => new AppError('FIG_MFA_ALREADY_ENROLLED', 409, 'Two-factor authentication is already set up for this account'),
  mfaNotStarted: () => new AppError('FIG_MFA_NOT_STARTED', 409, 'Start the set-up first (POST /api/v1/auth/mfa/setup)'),
  mfaRequired: () => new AppError('FIG_MFA_REQUIRED', 409, 'Your organisation requires two-factor authentication for your role: it cannot be turned off'),
  mfaEnrolmentRequired: () =>
    new AppError('FIG_MFA_ENROLMENT_REQUIRED', 403, 'This organisation requires two-factor authentication for your role: sign in again to set it up'),
  noOrganisation: () => forbidden('This account is not a member of any organisation'),
  tenantSuspended: (name: string) =>
    new AppError('FIG_TENANT_SUSPENDED', 403, `The organisation ${name} is suspended: its users cannot sign in until the fig platform team reactivates it`),
  notAMember: () => new AppError('FIG_NOT_A_MEMBER', 403, 'You are not a member of this organisation'),
  noProfile: () => forbidden('The admin token has no user profile'),
  accountGone: () => new AppError('FIG_UNAUTHORIZED', 401, 'The account no longer exists'),
  membershipEnded: () =>
    new AppError('FIG_UNAUTHORIZED', 401, 'You are no longer a member of this organisation: sign in again'),
};
