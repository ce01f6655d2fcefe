import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireTenant } from '../core/auth-context';
import { AuditEventFilter, AuditEventPage, AuditEventQuery, ChainReport } from './schema';
import { listAuditEvents } from './service/list-audit-events';
import { exportAuditEvents } from './service/export-audit-events';
import { verifyAuditChain } from './service/verify-audit-chain';

/** GET /api/v1/audit-events, /verify and /export.csv — all need `audit.read`, scoped to the caller's tenant. */
export const auditRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/audit-events',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: "List the tenant's audit events, newest first",
        querystring: AuditEventQuery,
        response: { 200: AuditEventPage },
      },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const { limit, cursor, ...filter } = request.query;
      return listAuditEvents(app.db, tenantId, filter, { cursor, limit });
    },
  );

  r.get(
    '/api/v1/audit-events/verify',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: "Re-walk the tenant's hash chain and report the first broken link",
        response: { 200: ChainReport },
      },
    },
    async (request) => {
      return verifyAuditChain(app.db, requireTenant(request));
    },
  );

  r.get(
    '/api/v1/audit-events/export.csv',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Export the filtered audit events as CSV (oldest first, formula-injection-safe cells)',
        querystring: AuditEventFilter,
      },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const body = await exportAuditEvents(app.db, tenantId, request.query);
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-events-${stamp}.csv"`)
        .send(body);
    },
  );
};
