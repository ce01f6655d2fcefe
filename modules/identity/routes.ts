import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../core/config';
import type { AuthContext } from '../core/auth-context';
import { AppError, unauthorized } from '../core/errors';
import { IdentityErrors } from './errors';
import { mfaRoutes } from './mfa-routes';
import type { IdentityService, IssuedSession, RequestMeta } from './service';
import {
  AcceptedBody,
  AcceptInvitationBody,
  LoginAnswer,
  LoginBody,
  MeBody,
  PasswordResetBody,
  PasswordResetRequestBody,
  RefreshBody,
  SessionBody,
  SignUpBody,
  SignUpVerifiedBody,
  VerifyEmailBody,
  VerifySignUpBody,
} from './schema';

export const REFRESH_COOKIE = 'fig_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** Device cookie: marks a browser that signed in to an account before (own failed-sign-in budget). */
export const DEVICE_COOKIE = 'fig_device';
const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 3600;

/** The caller, or a 401 naming why their token was refused. */
function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth)
    throw unauthorized(
      request.authFailure ?? 'Authentication is required: send Authorization: Bearer <access token>',
    );
  return request.auth;
}

const meta = (request: FastifyRequest): RequestMeta => ({
  ip: request.ip ?? null,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  requestId: String(request.id),
});

/** /api/v1/auth/* and /api/v1/me. */
export function identityRoutes(service: IdentityService, config: Config): FastifyPluginAsync {
  const cookieOptions = {
    httpOnly: true,
    secure: config.COOKIE_SECURE,
    sameSite: 'strict' as const,
    path: REFRESH_COOKIE_PATH,
  };
  const sendSession = (reply: FastifyReply, issued: IssuedSession) => {
    reply.setCookie(REFRESH_COOKIE, issued.refreshToken, {
      ...cookieOptions,
      maxAge: config.REFRESH_TOKEN_TTL_S,
    });
    if (issued.deviceToken)
      reply.setCookie(DEVICE_COOKIE, issued.deviceToken, {
        ...cookieOptions,
        maxAge: DEVICE_COOKIE_MAX_AGE_S,
      });
    reply.header('cache-control', 'no-store');
    return issued.body;
  };
  const clearCookie = (reply: FastifyReply) => reply.clearCookie(REFRESH_COOKIE, cookieOptions);
  const dev = <T extends object>(body: T, token: string | undefined) =>
    config.AUTH_DEV_TOKENS && token ? { ...body, token } : body;

  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    await app.register(mfaRoutes(service, sendSession, meta, requireAuth));
    // 429 lockout and 503 throttle-unavailable problems carry Retry-After.
    app.addHook('onSend', async (_request, reply, payload) => {
      if (
        (reply.statusCode === 429 || reply.statusCode === 503) &&
        !reply.hasHeader('retry-after') &&
        typeof payload === 'string'
      ) {
        const m = /"retryAfter":(\d+)/.exec(payload);
        if (m) reply.header('retry-after', m[1]);
      }
      return payload;
    });

    r.post(
      '/api/v1/auth/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password',
          body: LoginBody,
          response: { 200: LoginAnswer },
        },
      },
      async (request, reply) => {
        const result = await service.login(request.body, meta(request), request.cookies[DEVICE_COOKIE]);
        if ('challenge' in result) return reply.header('cache-control', 'no-store').send(result.challenge);
        return sendSession(reply, result);
      },
    );

    r.post(
      '/api/v1/auth/refresh',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Rotate the refresh cookie for a new access token (tenantId switches organisation)',
          body: RefreshBody.optional(),
          response: { 200: SessionBody },
        },
      },
      async (request, reply) => {
        try {
          return sendSession(
            reply,
            await service.refresh(request.cookies[REFRESH_COOKIE], request.body?.tenantId, meta(request)),
          );
        } catch (err) {
          if (err instanceof AppError && err.statusCode === 401) clearCookie(reply);
          throw err;
        }
      },
    );

    r.post(
      '/api/v1/auth/logout',
      {
        config: { public: true },
        schema: { tags: ['auth'], summary: 'End this session (its refresh token family)' },
      },
      async (request, reply) => {
        await service.logout(request.cookies[REFRESH_COOKIE], meta(request));
        clearCookie(reply);
        return reply.code(204).send();
      },
    );

    r.post(
      '/api/v1/auth/logout-all',
      { schema: { tags: ['auth'], summary: 'End every session of the signed-in user, on every device' } },
      async (request, reply) => {
        const auth = requireAuth(request);
        if (auth.kind !== 'user') throw new AppError('FIG_FORBIDDEN', 403, 'The admin token has no sessions');
        await service.logoutAll(auth.userId, meta(request));
        clearCookie(reply);
        return reply.code(204).send();
      },
    );

    r.get(
      '/api/v1/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user, tenant, roles and permissions',
          response: { 200: MeBody },
        },
      },
      async (request) => service.me(requireAuth(request), request.authExpiresAt),
    );

    r.post(
      '/api/v1/auth/accept-invitation',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Accept an invitation (creates the account) and sign in',
          body: AcceptInvitationBody,
          response: { 200: SessionBody },
        },
      },
      async (request, reply) =>
        sendSession(reply, await service.acceptInvitation(request.body, meta(request))),
    );

    r.post(
      '/api/v1/auth/password-reset/request',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Mail a password reset link (always accepted)',
          body: PasswordResetRequestBody,
          response: { 202: AcceptedBody },
        },
      },
      async (request, reply) => {
        const token = await service.requestPasswordReset(request.body.email, meta(request));
        return reply.code(202).send(dev({ accepted: true as const }, token));
      },
    );

    r.post(
      '/api/v1/auth/password-reset',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Set a new password with a reset token (ends every session)',
          body: PasswordResetBody,
        },
      },
      async (request, reply) => {
        await service.resetPassword(request.body.token, request.body.password, meta(request));
        return reply.code(204).send();
      },
    );

    r.post(
      '/api/v1/auth/signup',
      {
        // Strict limit of its own (per IP per hour): each sign-up hashes a password and sends a mail.
        config: { public: true, rateLimit: { max: Math.max(config.SIGNUP_PER_HOUR, 1), timeWindow: 3_600_000 } },
        schema: {
          tags: ['auth'],
          summary: 'Sign up: a new organisation with you as its administrator (mails a verification link)',
          body: SignUpBody,
          response: { 202: AcceptedBody },
        },
      },
      async (request, reply) => {
        if (config.SIGNUP_PER_HOUR === 0) throw IdentityErrors.signUpClosed();
        const token = await service.requestSignUp(request.body, meta(request));
        return reply.code(202).send(dev({ accepted: true as const }, token));
      },
    );

    r.post(
      '/api/v1/auth/signup/verify',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Open a sign-up verification link: creates the organisation and its first administrator',
          body: VerifySignUpBody,
          response: { 201: SignUpVerifiedBody },
        },
      },
      async (request, reply) => reply.code(201).send(await service.verifySignUp(request.body.token, meta(request))),
    );

    r.post(
      '/api/v1/auth/verify-email/request',
      {
        schema: {
          tags: ['auth'],
          summary: 'Mail an email verification link to the signed-in user',
          response: { 202: AcceptedBody },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        if (auth.kind !== 'user') throw new AppError('FIG_FORBIDDEN', 403, 'The admin token has no email');
        const token = await service.requestEmailVerification(auth.userId);
        return reply.code(202).send(dev({ accepted: true as const }, token));
      },
    );

    r.post(
      '/api/v1/auth/verify-email',
      {
        config: { public: true },
        schema: { tags: ['auth'], summary: 'Confirm an email address with its token', body: VerifyEmailBody },
      },
      async (request, reply) => {
        await service.verifyEmail(request.body.token, meta(request));
        return reply.code(204).send();
      },
    );
  };
}
