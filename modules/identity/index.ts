import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import type { IdentityPort } from '../tenancy/index';
import { identityRoutes } from './routes';
import { platformRoutes } from './platform-routes';
import { createIdentityService, type IdentityDeps } from './service';
import { mintLinkToken } from './service/context';
import { bumpPermsVersion } from './service/revoke-access';
import { hasConfirmedMfa } from './service/mfa-policy';
import { enqueueMessage } from './outbox';
import { findTenantUser, listTenantUsers } from './repo';
import { purgeLinkTokensJob } from './jobs';
import './tables';

export { seedDemo, DEMO_PASSWORD, DEMO_TENANTS, type DemoSeed } from './seed-demo';
export { provisionUser } from './provision';
export { listPlatformRolesAsOwner } from './platform-repo';
export { ensurePlatformRoleAsOwner } from './service/grant-platform-role';
export { createIdentityService, type IdentityService, type IdentityDeps, type IssuedSession, type RequestMeta } from './service';
export {
  parseJwtKeys,
  registerAccessTokens,
  TokenRejected,
  permsVersionKey,
  type AccessTokens,
  type AccessClaims,
  type PortalClaims,
} from './access-tokens';
export { hashPassword, verifyPassword } from './passwords';
export { currentTotp } from './mfa-secret';
export { REFRESH_COOKIE, REFRESH_COOKIE_PATH, DEVICE_COOKIE } from './routes';
export { isAccessRevoked, sessionRevokedKey, type RedisFallback, type RevocationDeps } from './revocation';
export { redactUrlSecrets } from './secret-tokens';
export { purgeLinkTokensJob } from './jobs';
export { findOutboxMessage, markOutboxSent, enqueueMessage, type OutboxRow } from './outbox';
export type { SessionBody, MeBody } from './schema';

/** The identity deps on the app's shared clients (needs the auth plugin: app.accessTokens, app.rbac). */
function depsOf(app: FastifyInstance, config: Config): IdentityDeps {
  return {
    db: app.db,
    redis: app.redis,
    config,
    accessTokens: app.accessTokens,
    rbac: app.rbac,
    log: app.log,
    onRedisFallback: (check, outcome) => app.metrics.authRedisFallbacks.inc({ check, outcome }),
  };
}

/**
 * What the tenancy module uses of identity (its IdentityPort): permission-version bumps, signed
 * invitation tokens, the outbox, and the users a tenant transaction may see. gateway/modules.ts
 * hands it to tenancyModule, so tenancy never imports identity.
 */
export function identityForTenancy(app: FastifyInstance, config: Config): IdentityPort {
  const deps = depsOf(app, config);
  return {
    bumpPermsVersion: (userId) => bumpPermsVersion(deps, userId),
    mintInvitationToken: () => mintLinkToken(deps, 'invitation'),
    enqueueMessage,
    listTenantUsers,
    findTenantUser,
    hasConfirmedMfa: (userId) => hasConfirmedMfa(deps, userId),
  };
}

/**
 * Registers /api/v1/auth/*, /api/v1/me and the platform operator's /_fig/platform/* (platform
 * roles). Needs the auth plugin (gateway/plugins/auth.ts) for app.accessTokens and app.rbac.
 */
const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createIdentityService(depsOf(app, config));
  await app.register(identityRoutes(service, config));
  await app.register(platformRoutes(service));
};

/** Identity: users, sessions, sign-in, password reset, email verification, platform roles. */
export const identityModule: FigModule = { name: 'identity', plugin, jobs: [purgeLinkTokensJob] };
