import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, forbidden } from '../../modules/core/errors';
import { requireAuth } from '../../modules/core/auth-context';
import { parseRouteKey } from './openapi';
import type { LiveRoute } from './route-table';
import type { ShadowPort } from './shadow-port';
import {
  FlipBody,
  GroupFlipBody,
  GroupFlipResult,
  ImportBody,
  ImportResult,
  KillSwitchBody,
  KillSwitchResult,
  ModuleList,
  Route,
  RouteChangeList,
  RouteChangeQuery,
  RouteKeyParams,
  RouteList,
  RouteListQuery,
  type RouteGate,
  type RouteStats,
} from './schema';
import { emptyStats } from './stats';

const security = [{ bearerAuth: [] }];
const tags = ['ops'];

/** Route row → the ops API's Route. */
export function toRoute(r: LiveRoute, stats: RouteStats | undefined, gate?: RouteGate): Route {
  return {
    key: r.key,
    method: r.method,
    path: r.path_template,
    mode: r.mode,
    canaryPercent: r.canary_percent,
    module: r.servedBy,
    servable: r.servedBy !== null,
    writePolicy: r.write_policy,
    summary: r.summary,
    tags: r.tags,
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
    stats: stats ?? emptyStats(),
    ...(gate ? { gate } : {}),
  };
}

/** A route's gate in short, when a shadow is wired in. */
async function gateOf(shadow: ShadowPort | undefined, r: LiveRoute, tenantId?: string): Promise<RouteGate | undefined> {
  return shadow?.gateSummary(r, tenantId);
}

/** Fetch the legacy service's OpenAPI document. */
export async function fetchLegacyOpenApi(legacyUrl: string, timeoutMs = 5000): Promise<unknown> {
  const res = await fetch(new URL('/openapi.json', legacyUrl), { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${legacyUrl}/openapi.json answered ${res.status}`);
  return res.json();
}

/**
 * The ops API (/_fig/*), see CONTRACTS.md. Every route needs routes.read or routes.flip, checked
 * by the auth plugin's guard (gateway/plugins/auth.ts) from `config.permission`.
 */
export async function opsRoutes(scope: FastifyInstance, { shadow }: { shadow: ShadowPort | undefined }): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const table = () => app.routeTable;

  app.get(
    '/_fig/routes',
    {
      config: { permission: 'routes.read' },
      schema: { tags, security, summary: 'List legacy routes with their mode and recent traffic', querystring: RouteListQuery, response: { 200: RouteList } },
    },
    async (request) => {
      const listed = table().list(request.query);
      const stats = await app.routeStats.read();
      const gates = await Promise.all(listed.data.map((r) => gateOf(shadow, r, request.auth?.tenantId)));
      return { ...listed, data: listed.data.map((r, i) => toRoute(r, stats.get(r.key), gates[i])) };
    },
  );

  app.get(
    '/_fig/routes/:key',
    {
      config: { permission: 'routes.read' },
      schema: { tags, security, summary: 'One route by key (URL-encoded "METHOD /path")', params: RouteKeyParams, response: { 200: Route } },
    },
    async (request) => {
      parseRouteKey(request.params.key);
      const route = await table().get(request.params.key);
      const stats = await app.routeStats.read();
      return toRoute(route, stats.get(route.key), await gateOf(shadow, route, request.auth?.tenantId));
    },
  );

  app.put(
    '/_fig/routes/:key',
    {
      config: { permission: 'routes.flip' },
      schema: {
        tags,
        security,
        summary: 'Flip a route to another mode (recorded, takes effect in every gateway within a second)',
        params: RouteKeyParams,
        body: FlipBody,
        response: { 200: Route },
      },
    },
    async (request) => {
      parseRouteKey(request.params.key);
      const auth = requireAuth(request);
      if (request.body.override && !auth.permissions.has('routes.override')) throw forbidden('An override needs the permission routes.override');
      const route = await table().flip(request.params.key, {
        mode: request.body.mode,
        canaryPercent: request.body.canaryPercent,
        reason: request.body.reason,
        override: request.body.override,
        actor: auth.actor,
        tenantId: auth.tenantId,
        requestId: String(request.id),
      });
      const stats = await app.routeStats.read();
      return toRoute(route, stats.get(route.key), await gateOf(shadow, route, auth.tenantId));
    },
  );

  app.post(
    '/_fig/route-groups/flip',
    {
      config: { permission: 'routes.flip' },
      schema: {
        tags,
        security,
        summary:
          'Flip a group of routes (path prefix, hosted module, or listed keys) with one reason: all or nothing, gates checked for every route first (409 FIG_GROUP_GATE_FAILED lists each blocked route and its blocking gate)',
        body: GroupFlipBody,
        response: { 200: GroupFlipResult },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { mode, canaryPercent, reason, override, ...selector } = request.body;
      if (override && !auth.permissions.has('routes.override')) throw forbidden('An override needs the permission routes.override');
      for (const key of selector.keys ?? []) parseRouteKey(key);
      const outcome = await table().flipGroup(selector, { mode, canaryPercent, reason, override, actor: auth.actor, tenantId: auth.tenantId, requestId: String(request.id) });
      const stats = await app.routeStats.read();
      const gates = await Promise.all(outcome.routes.map((r) => gateOf(shadow, r, auth.tenantId)));
      return { selector, mode, changed: outcome.changed, unchanged: outcome.unchanged, routes: outcome.routes.map((r, i) => toRoute(r, stats.get(r.key), gates[i])) };
    },
  );

  if (shadow) {
    const SettingsBody = z
      .object({
        writePolicy: z.enum(['skip', 'dry-run', 'dual-write']).optional(),
        normalise: shadow.settingsSchemas.normalise.optional(),
        gate: shadow.settingsSchemas.gate.optional(),
        reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000),
      })
      .strict();
    app.put(
      '/_fig/routes/:key/settings',
      {
        config: { permission: 'routes.flip' },
        schema: {
          tags: ['ops', 'shadow'],
          security,
          summary: "Set a route's write policy, normalisation rules and gate config (recorded in route changes)",
          params: RouteKeyParams,
          body: SettingsBody,
          response: { 200: Route },
        },
      },
      async (request) => {
        const key = request.params.key;
        parseRouteKey(key);
        const auth = requireAuth(request);
        const { reason, ...settings } = request.body;
        const route = await table().updateSettings(key, settings, { actor: auth.actor, reason, requestId: String(request.id) });
        const stats = await app.routeStats.read();
        return toRoute(route, stats.get(key), await gateOf(shadow, route, auth.tenantId));
      },
    );
  }

  app.post(
    '/_fig/kill-switch',
    {
      config: { permission: 'routes.flip' },
      schema: { tags, security, summary: 'Send every route back to legacy at once', body: KillSwitchBody, response: { 200: KillSwitchResult } },
    },
    async (request) => {
      const auth = requireAuth(request);
      return table().killSwitch({ reason: request.body.reason, actor: auth.actor, requestId: String(request.id) });
    },
  );

  app.get(
    '/_fig/route-changes',
    {
      config: { permission: 'routes.read' },
      schema: { tags, security, summary: 'Audit trail of route flips, newest first', querystring: RouteChangeQuery, response: { 200: RouteChangeList } },
    },
    async (request) => table().history(request.query),
  );

  app.post(
    '/_fig/routes/import',
    {
      config: { permission: 'routes.flip' },
      schema: {
        tags,
        security,
        summary: "Import route keys from the legacy OpenAPI document (LEGACY_URL/openapi.json unless one is given); modes are kept",
        body: ImportBody,
        response: { 200: ImportResult },
      },
    },
    async (request) => {
      let doc: unknown = request.body.openapi;
      if (doc === undefined) {
        try {
          doc = await fetchLegacyOpenApi(app.config.LEGACY_URL);
        } catch (err) {
          throw new AppError('FIG_LEGACY_OPENAPI_UNAVAILABLE', 502, `Could not fetch the legacy OpenAPI document: ${(err as Error).message}`);
        }
      }
      return table().importOpenApi(doc);
    },
  );

  app.get(
    '/_fig/modules',
    {
      config: { permission: 'routes.read' },
      schema: { tags, security, summary: 'Hosted modules and the legacy route keys each can answer', response: { 200: ModuleList } },
    },
    async () => table().modules(),
  );

  // Unknown /_fig paths are fig's, never legacy's.
  app.all('/_fig/*', { config: { permission: 'routes.read' }, schema: { hide: true, response: { 404: z.unknown() } } }, async (request) => {
    throw new AppError('FIG_NOT_FOUND', 404, `No ops route for ${request.method} ${request.url}`);
  });
}
