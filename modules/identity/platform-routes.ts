import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { platformActorOf } from '../core/auth-context';
import {
  PlatformGrant,
  PlatformGrantBody,
  PlatformGrantList,
  PlatformRoleEventList,
  PlatformRoleEventQuery,
} from './platform-schema';
import type { IdentityService } from './service';

const tags = ['ops'];
const security = [{ bearerAuth: [] }];

const actorOf = platformActorOf;

/**
 * /_fig/platform/*: platform roles, granted and revoked only by a platform operator (`platform.roles.*`,
 * which no tenant role can hold). A change bumps the user's permission version, so their current
 * access token stops working and the next refresh carries the new platform roles.
 */
export function platformRoutes(service: IdentityService): FastifyPluginAsync {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/_fig/platform/grants',
      {
        config: { permission: 'platform.roles.read' },
        schema: {
          tags,
          security,
          summary: 'Who holds a platform role, granted by whom and why',
          response: { 200: PlatformGrantList },
        },
      },
      async () => ({ data: await service.listPlatformGrants() }),
    );

    r.post(
      '/_fig/platform/grants',
      {
        config: { permission: 'platform.roles.manage' },
        schema: {
          tags,
          security,
          summary: 'Grant a platform role (ops) to an existing user, with a reason (recorded)',
          body: PlatformGrantBody,
          response: { 201: PlatformGrant },
        },
      },
      async (request, reply) => {
        const grant = await service.grantPlatformRole({ ...request.body, ...actorOf(request) });
        request.log.info(
          { userId: grant.userId, role: grant.role, actor: grant.grantedBy },
          'platform role granted',
        );
        return reply.code(201).send(grant);
      },
    );

    r.delete(
      '/_fig/platform/grants',
      {
        config: { permission: 'platform.roles.manage' },
        schema: {
          tags,
          security,
          summary:
            "Revoke a user's platform role, with a reason (recorded); their access tokens stop working",
          body: PlatformGrantBody,
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const userId = await service.revokePlatformRole({ ...request.body, ...actor });
        request.log.info({ userId, role: request.body.role, actor: actor.actor }, 'platform role revoked');
        return reply.code(204).send();
      },
    );

    r.get(
      '/_fig/platform/events',
      {
        config: { permission: 'platform.roles.read' },
        schema: {
          tags,
          security,
          summary: 'Platform role grants and revokes, newest first',
          querystring: PlatformRoleEventQuery,
          response: { 200: PlatformRoleEventList },
        },
      },
      async (request) => ({ data: await service.listPlatformRoleEvents(request.query.limit) }),
    );
  };
}
