import type { FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../../gateway/config';
import { tenancyRoutes } from '../tenancy/index';
import { identityRoutes } from './routes';
import { platformRoutes } from './platform-routes';
import { IdentityService, INVITATION_TTL_MS } from './service';
import { enqueueMessage } from './repo';
import { purgeLinkTokensJob } from './jobs';
import './tables';

export { seedDemo, DEMO_PASSWORD, DEMO_TENANTS, type DemoSeed } from './seed-demo';
export { provisionUser, createOrganisation } from './provision';
export { ensurePlatformRoleAsOwner, listPlatformRolesAsOwner } from './platform-roles';
export { IdentityService, switchToTenant } from './service';
export {
  parseJwtKeys,
  registerAccessTokens,
  TokenRejected,
  permsVersionKey,
  type AccessTokens,
  type AccessClaims,
} from './access-tokens';
export { hashPassword, verifyPassword } from './passwords';
export { REFRESH_COOKIE, REFRESH_COOKIE_PATH, DEVICE_COOKIE } from './routes';
export { isAccessRevoked, sessionRevokedKey, type RedisFallback } from './revocation';
export { redactUrlSecrets } from './secret-tokens';
export { purgeLinkTokensJob } from './jobs';
export type { SessionBody, MeBody } from './schema';

/**
 * Registers /api/v1/auth/*, /api/v1/me, the organisation admin API (members, invitations,
 * roles — modules/tenancy routes, given identity's token minting and outbox) and the platform
 * operator's /_fig/platform/* (platform roles). Needs the auth
 * plugin (gateway/plugins/auth.ts) for app.accessTokens and app.rbac.
 */
const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = new IdentityService({
    db: app.db,
    redis: app.redis,
    config,
    accessTokens: app.accessTokens,
    rbac: app.rbac,
    log: app.log,
    onRedisFallback: (check, outcome) => app.metrics.authRedisFallbacks.inc({ check, outcome }),
  });
  await app.register(identityRoutes(service, config));
  await app.register(platformRoutes(service));
  await app.register(
    tenancyRoutes({
      rbac: app.rbac,
      bumpPermsVersion: (userId) => service.bumpPermsVersion(userId),
      mintInvitationToken: () => service.mintLinkToken('invitation'),
      enqueueMessage,
      invitationTtlMs: INVITATION_TTL_MS,
      devTokens: config.AUTH_DEV_TOKENS,
    }),
  );
};

/** Identity + tenancy: users, sessions, organisations, memberships, roles, invitations. */
export const identityModule: FigModule = { name: 'identity', plugin, jobs: [purgeLinkTokensJob] };
