import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { platformActorOf } from '../core/auth-context';
import {
  CreatedTenant,
  CreateTenantBody,
  OrganisationRefParams,
  PlatformOrganisation,
  PlatformOrganisationPage,
  PlatformOrganisationQuery,
  ReactivateBody,
  SuspendBody,
} from './schema';
import type { TenancyService } from './service';

const tags = ['ops'];
const security = [{ bearerAuth: [] }];

const actorOf = platformActorOf;

/** /_fig/tenants: every organisation for the platform (ops): list, create with a first admin, suspend, reactivate. */
export async function platformTenancyRoutes(
  appRaw: FastifyInstance,
  { service }: { service: TenancyService },
): Promise<void> {
  const r = appRaw.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/_fig/tenants',
    {
      config: { permission: 'platform.tenants.read' },
      schema: {
        tags,
        security,
        summary: 'Every organisation with its status, by name',
        querystring: PlatformOrganisationQuery,
        response: { 200: PlatformOrganisationPage },
      },
    },
    async (request) => service.listOrganisations(request.query),
  );

  r.post(
    '/_fig/tenants',
    {
      config: { permission: 'platform.tenants.manage' },
      schema: {
        tags,
        security,
        summary: 'Create an organisation and invite its first admin (mailed)',
        body: CreateTenantBody,
        response: { 201: CreatedTenant },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createTenant(actorOf(request), request.body)),
  );

  r.post(
    '/_fig/tenants/:ref/suspend',
    {
      config: { permission: 'platform.tenants.manage' },
      schema: {
        tags,
        security,
        summary:
          "Suspend an organisation (id or slug), with a reason: its users' tokens end and sign-in is refused (audited)",
        params: OrganisationRefParams,
        body: SuspendBody,
        response: { 200: PlatformOrganisation },
      },
    },
    async (request) =>
      service.setOrganisationSuspended(actorOf(request), request.params.ref, request.body.reason),
  );

  r.post(
    '/_fig/tenants/:ref/reactivate',
    {
      config: { permission: 'platform.tenants.manage' },
      schema: {
        tags,
        security,
        summary: 'Reactivate a suspended organisation, with a reason (audited)',
        params: OrganisationRefParams,
        body: ReactivateBody,
        response: { 200: PlatformOrganisation },
      },
    },
    async (request) => {
      const org = await service.setOrganisationSuspended(actorOf(request), request.params.ref, null);
      request.log.info({ tenantId: org.id, reason: request.body.reason }, 'organisation reactivated');
      return org;
    },
  );
}
