import { randomUUID } from 'node:crypto';
import { foundOrganisation } from '../../tenancy/index';
import { IdentityErrors } from '../errors';
import { enqueueMessage } from '../outbox';
import { hashPassword, passwordRefusal } from '../passwords';
import * as repo from '../repo';
import { checkSignedToken } from '../secret-tokens';
import * as signups from '../signup-repo';
import { mintLinkToken, secrets, type IdentityDeps, type RequestMeta } from './context';

const SIGNUP_TTL_MS = 24 * 60 * 60 * 1000;
/** At most this many sign-up mails to one address per hour, whoever asks (no mail-bombing). */
const SIGNUPS_PER_EMAIL_PER_HOUR = 3;

export interface SignUpInput {
  organisationName: string;
  email: string;
  name: string;
  password: string;
}

/**
 * POST /auth/signup: store the request and mail a verification link; nothing is created until the
 * link is opened. Always "accepted" with the same work whether or not the address has an account,
 * so the answer tells nothing about who uses fig. Returns the token (shown only with AUTH_DEV_TOKENS)
 * or undefined when the address has had too many sign-up mails this hour.
 */
export async function requestSignUp(ctx: IdentityDeps, input: SignUpInput, meta: RequestMeta): Promise<string | undefined> {
  const refusal = passwordRefusal(input.password, { email: input.email, name: input.name });
  if (refusal) throw IdentityErrors.weakPassword(refusal);
  const passwordHash = await hashPassword(input.password);
  const { token, hash } = mintLinkToken(ctx, 'signup');
  const now = Date.now();
  return ctx.db.transaction().execute(async (trx) => {
    if ((await signups.countRecentSignups(trx, input.email, new Date(now - 3600_000))) >= SIGNUPS_PER_EMAIL_PER_HOUR) {
      ctx.log.warn({ ip: meta.ip }, 'sign-up mail not sent: too many for this address this hour');
      return undefined;
    }
    await signups.insertSignup(trx, { ...input, passwordHash, tokenHash: hash, expiresAt: new Date(now + SIGNUP_TTL_MS), ip: meta.ip });
    await enqueueMessage(trx, {
      kind: 'signup',
      to: input.email,
      subject: `Confirm your new organisation ${input.organisationName} on fig`,
      body: `Open /app/verify-signup#token=${token} within 24 hours to create ${input.organisationName} on fig with ${input.email} as its administrator. If you did not sign up, ignore this message.`,
      payload: { organisation: input.organisationName },
    });
    await repo.insertAuthEvent(trx, { type: 'signup_requested', email: input.email, ip: meta.ip, userAgent: meta.userAgent });
    return token;
  });
}

/**
 * POST /auth/signup/verify: the link proves the address, so the organisation is founded with the
 * user as its first admin (one transaction: sign-up taken, user, organisation, membership, audit).
 * An address that already has a fig account keeps its account and password and gains the new
 * organisation. The user then signs in as usual.
 */
export async function verifySignUp(
  ctx: IdentityDeps,
  token: string,
  meta: RequestMeta,
): Promise<{ organisation: { id: string; name: string; slug: string }; email: string }> {
  const hash = checkSignedToken(secrets(ctx), 'signup', token);
  if (!hash) throw IdentityErrors.tokenInvalid();
  const tenantId = randomUUID();
  const done = await ctx.db.transaction().execute(async (trx) => {
    const signup = await signups.completeSignup(trx, hash, tenantId, new Date());
    if (!signup) return undefined;
    const user =
      (await repo.findUserByEmailAsOwner(trx, signup.email)) ??
      (await repo.insertUserAsOwner(trx, { email: signup.email, name: signup.name, passwordHash: signup.password_hash, verified: true }));
    await repo.insertAuthEvent(trx, {
      type: 'signup_completed',
      userId: user.id,
      email: user.email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { tenantId },
    });
    // Last: the tenant half switches the transaction to the new organisation (and the app role).
    const organisation = await foundOrganisation(trx, {
      id: tenantId,
      name: signup.organisation_name,
      founder: { id: user.id, email: user.email },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { organisation, email: user.email };
  });
  if (!done) throw IdentityErrors.tokenInvalid();
  return done;
}
