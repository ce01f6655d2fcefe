import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../modules/core/errors';
import { parseRouteKey } from '../modules/core/route-key';
import { evaluateGate } from './gates/index';
import { listIssues, listMismatches, listNoisePaths, readMinutes, readTopPaths, readTotals, reconcileRoute } from './http/index';

const security = [{ bearerAuth: [] }];
const tags = ['ops', 'shadow'];
const KeyParams = z.object({ key: z.string().min(3).max(1000) });

const WINDOW_RE = /^(\d{1,5})([smhd])$/;
const UNIT_S = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** "15m" → 900; 400 problem on anything else (max 30 days). */
export function parseWindow(w: string): number {
  const m = WINDOW_RE.exec(w);
  const seconds = m ? Number(m[1]) * UNIT_S[m[2] as keyof typeof UNIT_S] : NaN;
  if (!m || seconds < 1 || seconds > 30 * 86400) {
    throw badRequest('window must look like 30s, 15m, 24h or 7d (at most 30 days)', [{ path: 'querystring.window', message: 'expected <number><s|m|h|d>' }]);
  }
  return seconds;
}

/**
 * Shadow ops API, beside the gateway's /_fig/routes: shadow stats, the mismatch corpus, the
 * parity gate and dual-write reconciliation. Same auth as every /_fig route. (A route's
 * settings are written by the route table: gateway/routing/ops-routes.ts.)
 */
export async function shadowOpsRoutes(scope: FastifyInstance): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/_fig/routes/:key/shadow',
    {
      config: { permission: 'routes.read' },
      schema: {
        tags,
        security,
        summary: 'Shadow stats of a route over a window: samples, matches, mismatches, noise, skipped by reason, p50/p99 of both sides, per minute',
        params: KeyParams,
        querystring: z.object({ window: z.string().default('15m') }),
      },
    },
    async (request) => {
      const key = request.params.key;
      parseRouteKey(key);
      const route = await app.routeTable.get(key);
      const windowSeconds = parseWindow(request.query.window);
      const [totals, minutes, topPaths, noisePaths] = await Promise.all([
        readTotals(app.db, key, windowSeconds),
        readMinutes(app.db, key, windowSeconds),
        readTopPaths(app.db, key, windowSeconds),
        listNoisePaths(app.db, key),
      ]);
      return {
        routeKey: key,
        mode: route.mode,
        writePolicy: route.write_policy,
        window: request.query.window,
        windowSeconds,
        totals,
        minutes,
        topPaths,
        noisePaths,
        queue: app.shadow.load(),
      };
    },
  );

  app.get(
    '/_fig/routes/:key/mismatches',
    {
      config: { permission: 'routes.read' },
      schema: {
        tags,
        security,
        summary: 'Mismatch corpus of a route, newest first (request, both responses, diff; secrets redacted)',
        params: KeyParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20), cursor: z.string().regex(/^\d+$/).optional() }),
      },
    },
    async (request) => {
      parseRouteKey(request.params.key);
      await app.routeTable.get(request.params.key);
      return listMismatches(app.db, request.params.key, request.query.limit, request.query.cursor);
    },
  );

  app.get(
    '/_fig/routes/:key/gate',
    {
      config: { permission: 'routes.read' },
      schema: { tags, security, summary: 'Parity gate of a route: every check with its actual and required value, and the evidence', params: KeyParams },
    },
    async (request) => {
      parseRouteKey(request.params.key);
      const route = await app.routeTable.get(request.params.key);
      const gate = await evaluateGate(app.db, route, { tenantId: request.auth?.tenantId, engineTenantId: app.config.LEGACY_TENANT });
      return { passed: gate.passed, checks: gate.checks, evidence: gate.evidence };
    },
  );

  app.get(
    '/_fig/routes/:key/reconciliation',
    {
      config: { permission: 'routes.read' },
      schema: {
        tags,
        security,
        summary: 'Dual-write reconciliation issues of a route',
        params: KeyParams,
        querystring: z.object({ status: z.enum(['open', 'resolved', 'failed', 'all']).default('open') }),
      },
    },
    async (request) => {
      parseRouteKey(request.params.key);
      const rows = await listIssues(app.db, request.params.key, request.query.status);
      return {
        data: rows.map((r) => ({
          id: String(r.id),
          routeKey: r.route_key,
          entity: r.entity,
          legacyId: r.legacy_id,
          newId: r.new_id,
          kind: r.kind,
          detail: r.detail,
          status: r.status,
          resolution: r.resolution,
          createdAt: r.created_at.toISOString(),
          resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null,
        })),
      };
    },
  );

  app.post(
    '/_fig/routes/:key/reconcile',
    {
      config: { permission: 'routes.flip' },
      schema: { tags, security, summary: "Reconcile a dual-write route's open issues (legacy is the truth)", params: KeyParams },
    },
    async (request) => {
      parseRouteKey(request.params.key);
      await app.routeTable.get(request.params.key);
      return reconcileRoute({ db: app.db, redis: app.redis, config: app.config, log: request.log }, request.params.key);
    },
  );
}
