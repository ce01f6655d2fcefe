import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { withTenant } from '../core/db';
import { requireTenant } from '../core/auth-context';
import { listPage } from '../core/pagination';
import { AuditEventFilter, AuditEventPage, AuditEventQuery, ChainReport, type AuditEvent } from './schema';
import { eventsAfter, listEvents } from './repo';
import { chainedFields, verifyChain } from './verify-chain';
import type { AuditEventRow } from './tables';
import { csvLine } from '../core/csv';

/** Wire shape of a stored event. */
export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return { id: row.id, ...chainedFields(row), hash: row.hash };
}

const CSV_COLUMNS = [
  'seq',
  'created_at',
  'actor',
  'actor_id',
  'action',
  'entity',
  'entity_id',
  'request_id',
  'ip',
  'before',
  'after',
  'prev_hash',
  'hash',
];
const EXPORT_MAX_ROWS = 100_000;

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
      return listPage(
        { cursor, limit },
        (offset) => withTenant(app.db, tenantId, (trx) => listEvents(trx, filter, offset, limit)),
        toAuditEvent,
      );
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
      const tenantId = requireTenant(request);
      return withTenant(app.db, tenantId, (trx) => verifyChain(trx));
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
      const filter = request.query;
      const body = await withTenant(app.db, tenantId, async (trx) => {
        const chunks = [csvLine(CSV_COLUMNS)];
        let after = 0;
        let n = 0;
        while (n < EXPORT_MAX_ROWS) {
          const rows = await eventsAfter(trx, after, 1000, filter);
          for (const e of rows) {
            chunks.push(
              csvLine([
                e.seq,
                e.created_at,
                e.actor,
                e.actor_id,
                e.action,
                e.entity,
                e.entity_id,
                e.request_id,
                e.ip,
                e.before,
                e.after,
                e.prev_hash,
                e.hash,
              ]),
            );
          }
          n += rows.length;
          if (rows.length < 1000) break;
          after = Number(rows[rows.length - 1]!.seq);
        }
        return chunks.join('');
      });
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-events-${stamp}.csv"`)
        .send(body);
    },
  );
};
