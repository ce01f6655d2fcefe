import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import { tenancyRoutes } from './routes';
import { platformTenancyRoutes } from './platform-routes';
import { createTenancyService, type IdentityPort } from './service';
import './tables';

export {
  createTenancyService,
  createOrganisation,
  foundOrganisation,
  isMfaRequiredAsOwner,
  MFA_TENANT_ROLES,
  MFA_PLATFORM_ROLES,
  FOUNDER_ROLES,
  addMember,
  ensureMember,
  findPendingInvitation,
  joinByInvitation,
  listUserTenantsAsOwner,
  listSuspendedUserTenantsAsOwner,
  switchToTenant,
  INVITATION_TTL_MS,
  type TenancyService,
  type TenancyDeps,
  type Caller,
  type IdentityPort,
  type TenantUser,
  type OutboxMessage,
  type TenantSummary,
} from './service';
export { Rbac, type RoleInfo } from './rbac';
export { findOrganisationAsOwner } from './repo';
export type { Organisation, Invitation, RoleScope } from './tables';
export * as TenancySchemas from './schema';

/** Builds the identity port on the app's shared clients (identity's index exports one). */
export type IdentityPortFactory = (app: FastifyInstance, config: Config) => IdentityPort;

/**
 * The tenancy module: organisations, memberships, tenant roles and invitations, and the
 * organisation admin API (/api/v1/roles, /api/v1/tenants/{tid}/members|invitations). Needs the
 * auth plugin (app.rbac) and, as `identity`, what it uses of identity (wired by gateway/modules.ts).
 */
export function tenancyModule(identity: IdentityPortFactory): FigModule {
  const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
    const service = createTenancyService({
      db: app.db,
      rbac: app.rbac,
      identity: identity(app, config),
      devTokens: config.AUTH_DEV_TOKENS,
    });
    await app.register(tenancyRoutes, { service });
    await app.register(platformTenancyRoutes, { service });
  };
  return { name: 'tenancy', plugin };
}
