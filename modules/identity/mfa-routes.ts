import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuthContext } from '../core/auth-context';
import { AppError } from '../core/errors';
import { MfaConfirmBody, MfaConfirmedBody, MfaDisableBody, MfaSetupBody, MfaSetupRequest, MfaStatusBody, MfaVerifyBody, SessionBody } from './schema';
import type { IdentityService, IssuedSession, RequestMeta } from './service';

const tags = ['auth'];

/** The signed-in user (not the admin token), as an MFA actor. */
function signedInUser(auth: AuthContext) {
  if (auth.kind !== 'user') throw new AppError('FIG_FORBIDDEN', 403, 'The admin token has no second factor');
  return { userId: auth.userId, tenantId: auth.tenantId };
}

/**
 * /api/v1/auth/mfa/*: the sign-in code step, enrolment (signed in, or half-way through a sign-in
 * that requires it), status and turning it off. Under /api/v1/auth/ so the auth rate limit applies.
 */
export function mfaRoutes(
  service: IdentityService,
  sendSession: (reply: FastifyReply, issued: IssuedSession) => SessionBody,
  meta: (request: FastifyRequest) => RequestMeta,
  requireAuth: (request: FastifyRequest) => AuthContext,
): FastifyPluginAsync {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/auth/mfa/verify',
      { config: { public: true }, schema: { tags, summary: 'Second step of sign-in: a 6-digit code or a recovery code', body: MfaVerifyBody, response: { 200: SessionBody } } },
      async (request, reply) => sendSession(reply, await service.verifyMfaChallenge(request.body, meta(request))),
    );

    r.post(
      '/api/v1/auth/mfa/setup',
      {
        config: { public: true },
        schema: { tags, summary: 'Start setting up an authenticator app: secret, otpauth URL and QR code (signed in, or with an enrol challenge)', body: MfaSetupRequest, response: { 200: MfaSetupBody } },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const token = request.body?.challengeToken;
        return token ? service.setupMfaAtSignIn(token) : service.setupMfa(signedInUser(requireAuth(request)));
      },
    );

    r.post(
      '/api/v1/auth/mfa/confirm',
      {
        config: { public: true },
        schema: { tags, summary: 'Confirm the authenticator with its first code: recovery codes (and, during sign-in, the session)', body: MfaConfirmBody, response: { 200: MfaConfirmedBody } },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const { challengeToken, code } = request.body;
        if (!challengeToken) return { recoveryCodes: await service.confirmMfa(signedInUser(requireAuth(request)), code, meta(request)) };
        const { recoveryCodes, issued } = await service.confirmMfaAtSignIn(challengeToken, code, meta(request));
        const session = sendSession(reply, issued);
        return { recoveryCodes, session };
      },
    );

    r.get(
      '/api/v1/auth/mfa',
      { schema: { tags, summary: 'Your two-factor state, and whether your organisation requires it of you', response: { 200: MfaStatusBody } } },
      async (request) => service.mfaStatus(signedInUser(requireAuth(request))),
    );

    r.post(
      '/api/v1/auth/mfa/disable',
      { schema: { tags, summary: 'Turn two-factor off (a current code or a recovery code); refused where it is required', body: MfaDisableBody } },
      async (request, reply) => {
        await service.disableMfa(signedInUser(requireAuth(request)), request.body.code, meta(request));
        return reply.code(204).send();
      },
    );
  };
}
