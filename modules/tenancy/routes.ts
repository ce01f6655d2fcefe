import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { PageQuery } from '../core/pagination';
import { TenancyErrors } from './errors';
import {
  CreatedInvitation,
  CreateInvitationBody,
  InvitationPage,
  InvitationParams,
  Member,
  MemberPage,
  MemberParams,
  RoleList,
  SetRolesBody,
  SecuritySettings,
  TenantParams,
  UpdateSecuritySettingsBody,
} from './schema';
import type { Caller, TenancyService } from './service';

const tags = ['tenancy'];

/** The caller, after checking `{tid}` is the session's tenant (any other tid is "not found"). */
function tenantCaller(request: FastifyRequest, tid: string): Caller {
  const tenantId = requireTenant(request);
  if (tid !== tenantId) throw TenancyErrors.organisationNotFound();
  const auth = requireAuth(request);
  return {
    tenantId,
    actor: auth.actor,
    actorId: auth.kind === 'user' ? auth.userId : null,
    requestId: String(request.id),
    ip: request.ip,
  };
}

/** Members, roles and invitations of an organisation. Thin: parse (zod), call the service, answer. */
export async function tenancyRoutes(appRaw: FastifyInstance, { service }: { service: TenancyService }): Promise<void> {
  const r = appRaw.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/roles',
    { schema: { tags, summary: 'Tenant roles (the ones an organisation grants) and their permission keys', response: { 200: RoleList } } },
    async (request) => {
      requireAuth(request);
      return service.listRoles();
    },
  );

  r.get(
    '/api/v1/tenants/:tid/members',
    {
      config: { permission: 'users.read' },
      schema: { tags, summary: 'Members of the organisation', params: TenantParams, querystring: PageQuery, response: { 200: MemberPage } },
    },
    (request) => service.listMembers(tenantCaller(request, request.params.tid), request.query),
  );

  r.put(
    '/api/v1/tenants/:tid/members/:userId/roles',
    {
      config: { permission: 'users.manage' },
      schema: { tags, summary: "Replace a member's roles", params: MemberParams, body: SetRolesBody, response: { 200: Member } },
    },
    (request) => service.updateMemberRoles(tenantCaller(request, request.params.tid), request.params.userId, request.body.roles),
  );

  r.delete(
    '/api/v1/tenants/:tid/members/:userId',
    { config: { permission: 'users.manage' }, schema: { tags, summary: 'Remove a member from the organisation', params: MemberParams } },
    async (request, reply) => {
      await service.removeMember(tenantCaller(request, request.params.tid), request.params.userId);
      return reply.code(204).send();
    },
  );

  r.get(
    '/api/v1/tenants/:tid/invitations',
    {
      config: { permission: 'users.read' },
      schema: {
        tags,
        summary: 'Invitations of the organisation, newest first',
        params: TenantParams,
        querystring: PageQuery,
        response: { 200: InvitationPage },
      },
    },
    (request) => service.listInvitations(tenantCaller(request, request.params.tid), request.query),
  );

  r.post(
    '/api/v1/tenants/:tid/invitations',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: 'Invite someone by email with roles',
        params: TenantParams,
        body: CreateInvitationBody,
        response: { 201: CreatedInvitation },
      },
    },
    async (request, reply) => reply.code(201).send(await service.inviteMember(tenantCaller(request, request.params.tid), request.body)),
  );

  r.delete(
    '/api/v1/tenants/:tid/invitations/:id',
    { config: { permission: 'users.manage' }, schema: { tags, summary: 'Revoke a pending invitation', params: InvitationParams } },
    async (request, reply) => {
      await service.revokeInvitation(tenantCaller(request, request.params.tid), request.params.id);
      return reply.code(204).send();
    },
  );

  r.get(
    '/api/v1/tenants/:tid/security',
    {
      config: { permission: 'users.read' },
      schema: { tags, summary: 'Security settings: whether MFA is required of admin, finance and ops users', params: TenantParams, response: { 200: SecuritySettings } },
    },
    (request) => service.getSecuritySettings(tenantCaller(request, request.params.tid)),
  );

  r.put(
    '/api/v1/tenants/:tid/security',
    {
      config: { permission: 'users.manage' },
      schema: { tags, summary: 'Require (or stop requiring) MFA of admin, finance and ops users (audited)', params: TenantParams, body: UpdateSecuritySettingsBody, response: { 200: SecuritySettings } },
    },
    (request) => service.updateSecuritySettings(tenantCaller(request, request.params.tid), request.body),
  );
}
