import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

const DESCRIPTION = `fig is a strangler-fig gateway in front of the legacy service. This page documents fig's own
routes. Every other path is answered by the legacy service (mode \`legacy\`) or, route by route, by a fig module
(mode \`new\`). Routes with a lock need \`Authorization: Bearer <token>\`: an access token from
\`POST /api/v1/auth/login\`, or (for the ops API under \`/_fig\`) the ADMIN_TOKEN. Paste it in "Authorize" for "Try it out".`;

const BEARER = [{ bearerAuth: [] }];

/**
 * The bearer scheme on every documented route that needs a caller: one with `config.permission`
 * (the auth guard) or, unless `config.public`, any fig route under /api/v1 or /_fig (those call
 * requireAuth in the handler). Swagger UI's "Try it out" then sends the token set in "Authorize".
 */
function withSecurity<T extends { schema: unknown }>(config: unknown, url: string, out: T): T {
  const cfg = (config ?? {}) as { permission?: string; public?: boolean };
  const schema = (out.schema ?? {}) as Record<string, unknown>;
  const needsAuth = Boolean(cfg.permission) || (!cfg.public && /^\/(api\/v1|_fig)\//.test(url));
  if (!needsAuth || schema.security) return out;
  return { ...out, schema: { ...schema, security: BEARER } };
}

/**
 * /docs (unless DOCS_ENABLED=0): Swagger UI of fig's own routes (zod schemas through the type provider's transform).
 * The legacy route table, with each key's live mode, is appended to the description on every
 * request of the document, so it never goes stale after a flip.
 */
export const swaggerPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'fig gateway', version: '0.1.0', description: DESCRIPTION },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
        tags: [{ name: 'ops', description: 'Route table and cutover (/_fig)' }],
      },
      transform: (input) => withSecurity(input.route.config, input.url, jsonSchemaTransform(input)),
    });
    if (!app.config.DOCS_ENABLED) {
      // Not passed on to legacy either: its own /docs was never reachable through fig.
      const disabled = (request: FastifyRequest, reply: FastifyReply) =>
        sendProblem(request, reply, 404, 'FIG_NOT_FOUND', 'The API documentation is disabled on this gateway (DOCS_ENABLED=0)');
      app.get('/docs', { schema: { hide: true } }, disabled);
      app.get('/docs/*', { schema: { hide: true } }, disabled);
      return;
    }
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      transformSpecificationClone: true,
      transformSpecification: (spec) => {
        const routes = app.hasDecorator('routeTable') ? app.routeTable.all() : [];
        const rows = routes.map((r) => `| \`${r.key}\` | ${r.mode} | ${r.servedBy ?? '—'} | ${(r.summary ?? '').replace(/\|/g, '\\|')} |`);
        const table = routes.length
          ? `\n\n## Legacy routes by mode (${routes.length})\n\n| Route key | Mode | Module | Summary |\n|---|---|---|---|\n${rows.join('\n')}`
          : '\n\n## Legacy routes\n\nThe route table is empty: run `npm run fig -- routes import`.';
        const info = (spec.info ?? {}) as Record<string, unknown>;
        return {
          ...spec,
          info: { ...info, description: `${String(info.description ?? '')}${table}` },
          'x-legacy-routes': routes.map((r) => ({ key: r.key, mode: r.mode, module: r.servedBy })),
        };
      },
    });
  },
  { name: 'swagger', dependencies: ['infra'] },
);
