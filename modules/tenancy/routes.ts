import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { badRequest, conflict, notFound, type FieldError } from '../core/errors';
import { withTenant, type Trx } from '../core/db';
import { listPage, PageQuery } from '../core/pagination';
import { recordAudit } from '../audit/index';
import * as repo from './repo';
import type { Rbac } from './rbac';
import {
  CreatedInvitation,
  CreateInvitationBody,
  InvitationPage,
  InvitationParams,
  MemberParams,
  Member,
  MemberPage,
  RoleList,
  SetRolesBody,
  TenantParams,
} from './schema';

/** What the tenancy API needs from identity (injected, so tenancy never imports identity). */
export interface TenancyDeps {
  rbac: Rbac;
  /** Invalidate the user's access tokens (their roles changed). */
  bumpPermsVersion(userId: string): Promise<unknown>;
  mintInvitationToken(): { token: string; hash: string };
  enqueueMessage(
    trx: Trx,
    m: { kind: string; to: string; subject: string; body: string; payload?: Record<string, unknown> },
  ): Promise<void>;
  invitationTtlMs: number;
  devTokens: boolean;
}

/** The caller's tenant, which the `{tid}` in the path must name; any other tid is "not found". */
function pathTenant(request: FastifyRequest, tid: string): string {
  const tenantId = requireTenant(request);
  if (tid !== tenantId) throw notFound('Organisation');
  return tenantId;
}

const toMember = (m: repo.MemberRow): Member => ({ ...m, createdAt: m.createdAt.toISOString() });

/** Members, roles and invitations of an organisation. */
export function tenancyRoutes(deps: TenancyDeps): FastifyPluginAsync {
  // Only tenant roles are granted inside an organisation: a platform role (ops) acts on every
  // tenant's traffic and is granted by a platform operator alone (/_fig/platform/grants).
  const checkRoles = (roles: string[]) => {
    const errors: FieldError[] = roles.flatMap((r, i): FieldError[] => {
      const scope = deps.rbac.scopeOf(r);
      if (scope === 'tenant') return [];
      const path = `body.roles[${i}]`;
      return scope === 'platform'
        ? [
            {
              path,
              code: 'platform_role',
              message: `${r} is a platform role: only a platform operator grants it, never an organisation`,
            },
          ]
        : [{ path, message: `unknown role ${r}` }];
    });
    if (errors.length) throw badRequest(`${errors.length} invalid field(s)`, errors, 'FIG_VALIDATION');
    return [...new Set(roles)].sort();
  };
  const audit = (
    request: FastifyRequest,
    trx: Trx,
    tenantId: string,
    e: { action: string; entity: string; entityId: string; before?: unknown; after?: unknown },
  ) => {
    const auth = requireAuth(request);
    return recordAudit(trx, {
      tenantId,
      actor: auth.actor,
      actorId: auth.kind === 'user' ? auth.userId : null,
      requestId: String(request.id),
      ip: request.ip,
      ...e,
    });
  };

  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/v1/roles',
      {
        schema: {
          tags: ['tenancy'],
          summary: 'Tenant roles (the ones an organisation grants) and their permission keys',
          response: { 200: RoleList },
        },
      },
      async (request) => {
        requireAuth(request);
        return deps.rbac.listRoles('tenant');
      },
    );

    r.get(
      '/api/v1/tenants/:tid/members',
      {
        config: { permission: 'users.read' },
        schema: {
          tags: ['tenancy'],
          summary: 'Members of the organisation',
          params: TenantParams,
          querystring: PageQuery,
          response: { 200: MemberPage },
        },
      },
      async (request) => {
        const tenantId = pathTenant(request, request.params.tid);
        return listPage(
          request.query,
          (offset, limit) => withTenant(app.db, tenantId, (trx) => repo.listMembers(trx, offset, limit)),
          toMember,
        );
      },
    );

    r.put(
      '/api/v1/tenants/:tid/members/:userId/roles',
      {
        config: { permission: 'users.manage' },
        schema: {
          tags: ['tenancy'],
          summary: "Replace a member's roles",
          params: MemberParams,
          body: SetRolesBody,
          response: { 200: Member },
        },
      },
      async (request) => {
        const tenantId = pathTenant(request, request.params.tid);
        const { userId } = request.params;
        const roles = checkRoles(request.body.roles);
        const member = await withTenant(app.db, tenantId, async (trx) => {
          const before = await repo.findMember(trx, userId);
          if (!before) throw notFound('Member');
          await repo.setMemberRoles(trx, tenantId, userId, roles);
          if (
            before.roles.includes('admin') &&
            !roles.includes('admin') &&
            (await repo.countRoleHolders(trx, 'admin')) === 0
          ) {
            throw conflict('FIG_LAST_ADMIN', 'The organisation would have no admin left');
          }
          const after = (await repo.findMember(trx, userId))!;
          await audit(request, trx, tenantId, {
            action: 'member.roles.update',
            entity: 'membership',
            entityId: userId,
            before: { roles: before.roles },
            after: { roles: after.roles },
          });
          return after;
        });
        await deps.bumpPermsVersion(userId);
        return toMember(member);
      },
    );

    r.delete(
      '/api/v1/tenants/:tid/members/:userId',
      {
        config: { permission: 'users.manage' },
        schema: { tags: ['tenancy'], summary: 'Remove a member from the organisation', params: MemberParams },
      },
      async (request, reply) => {
        const tenantId = pathTenant(request, request.params.tid);
        const { userId } = request.params;
        await withTenant(app.db, tenantId, async (trx) => {
          const before = await repo.findMember(trx, userId);
          if (!before) throw notFound('Member');
          await repo.removeMember(trx, userId);
          if (before.roles.includes('admin') && (await repo.countRoleHolders(trx, 'admin')) === 0) {
            throw conflict('FIG_LAST_ADMIN', 'The organisation would have no admin left');
          }
          await audit(request, trx, tenantId, {
            action: 'member.remove',
            entity: 'membership',
            entityId: userId,
            before: { email: before.email, roles: before.roles },
          });
        });
        await deps.bumpPermsVersion(userId);
        return reply.code(204).send();
      },
    );

    r.get(
      '/api/v1/tenants/:tid/invitations',
      {
        config: { permission: 'users.read' },
        schema: {
          tags: ['tenancy'],
          summary: 'Invitations of the organisation, newest first',
          params: TenantParams,
          querystring: PageQuery,
          response: { 200: InvitationPage },
        },
      },
      async (request) => {
        const tenantId = pathTenant(request, request.params.tid);
        const now = Date.now();
        return listPage(
          request.query,
          (offset, limit) => withTenant(app.db, tenantId, (trx) => repo.listInvitations(trx, offset, limit)),
          (i) => ({
            id: i.id,
            email: i.email,
            roles: i.roles,
            status: (i.accepted_at
              ? 'accepted'
              : i.revoked_at
                ? 'revoked'
                : i.expires_at.getTime() <= now
                  ? 'expired'
                  : 'pending') as 'pending' | 'accepted' | 'revoked' | 'expired',
            invitedBy: i.invited_by_actor,
            expiresAt: i.expires_at.toISOString(),
            createdAt: i.created_at.toISOString(),
            acceptedAt: i.accepted_at?.toISOString() ?? null,
          }),
        );
      },
    );

    r.post(
      '/api/v1/tenants/:tid/invitations',
      {
        config: { permission: 'users.manage' },
        schema: {
          tags: ['tenancy'],
          summary: 'Invite someone by email with roles',
          params: TenantParams,
          body: CreateInvitationBody,
          response: { 201: CreatedInvitation },
        },
      },
      async (request, reply) => {
        const tenantId = pathTenant(request, request.params.tid);
        const auth = requireAuth(request);
        const roles = checkRoles(request.body.roles);
        const { email } = request.body;
        const { token, hash } = deps.mintInvitationToken();
        const expiresAt = new Date(Date.now() + deps.invitationTtlMs);
        const created = await withTenant(app.db, tenantId, async (trx) => {
          // RLS shows only users who are members of this tenant.
          const member = await trx
            .selectFrom('identity.users')
            .select('id')
            .where('email', '=', email)
            .executeTakeFirst();
          if (member)
            throw conflict('FIG_ALREADY_MEMBER', `${email} is already a member of this organisation`);
          const org = await repo.findOwnOrganisation(trx);
          const inv = await trx
            .insertInto('tenancy.invitations')
            .values({
              tenant_id: tenantId,
              email,
              roles,
              token_hash: hash,
              invited_by: auth.kind === 'user' ? auth.userId : null,
              invited_by_actor: auth.actor,
              expires_at: expiresAt,
            })
            .returning(['id'])
            .executeTakeFirstOrThrow();
          await deps.enqueueMessage(trx, {
            kind: 'invitation',
            to: email,
            subject: `You are invited to ${org?.name ?? 'an organisation'} on fig`,
            body: `${auth.actor} invited you to ${org?.name ?? 'their organisation'} as ${roles.join(', ')}. Open /app/accept-invitation#token=${token} before ${expiresAt.toISOString()}.`,
            payload: { invitationId: inv.id, tenantId },
          });
          await audit(request, trx, tenantId, {
            action: 'invitation.create',
            entity: 'invitation',
            entityId: inv.id,
            after: { email, roles, expiresAt: expiresAt.toISOString() },
          });
          return inv;
        });
        return reply.code(201).send({
          id: created.id,
          email,
          roles,
          expiresAt: expiresAt.toISOString(),
          ...(deps.devTokens ? { token } : {}),
        });
      },
    );

    r.delete(
      '/api/v1/tenants/:tid/invitations/:id',
      {
        config: { permission: 'users.manage' },
        schema: { tags: ['tenancy'], summary: 'Revoke a pending invitation', params: InvitationParams },
      },
      async (request, reply) => {
        const tenantId = pathTenant(request, request.params.tid);
        await withTenant(app.db, tenantId, async (trx) => {
          const res = await trx
            .updateTable('tenancy.invitations')
            .set({ revoked_at: new Date() })
            .where('id', '=', request.params.id)
            .where('accepted_at', 'is', null)
            .where('revoked_at', 'is', null)
            .returning(['email', 'roles'])
            .executeTakeFirst();
          if (!res) throw notFound('Invitation');
          await audit(request, trx, tenantId, {
            action: 'invitation.revoke',
            entity: 'invitation',
            entityId: request.params.id,
            before: res,
          });
        });
        return reply.code(204).send();
      },
    );
  };
}
