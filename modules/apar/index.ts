import type { FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import { aparRoutes } from './routes';
import { createAparService, type AparService, type Caller } from './service';
import { legacyAparRoutes } from './legacy/handlers';
import { BILL_SUBJECT, billApprovalHooks } from './service/bill-approval';

export { createAparService, type AparService, type Caller };
export * as AparSchemas from './schema';
export { APAR_ROUTE_KEYS } from './legacy/route-keys';
export { backfillApar, type AparBackfillResult } from './legacy/backfill';

/**
 * AP/AR: customers and vendors, invoices, bills and credit notes with lines, payments received
 * and made with allocations, write-offs, an append-only ledger, aging and statements. Its own API
 * lives under /api/v1/tenants/{tid}/apar; legacy's 16 AP/AR routes are served from the same domain
 * in LEGACY_TENANT (modules/apar/legacy).
 */
const plugin: FastifyPluginAsync<{ config: Config }> = async (app) => {
  // Bills are approved through modules/approvals (policy ap-bill) when it is loaded; its hooks move the bill.
  const approvals = app.hasDecorator('approvals') ? app.approvals : undefined;
  approvals?.registerSubject(BILL_SUBJECT, billApprovalHooks());
  const service = createAparService({ db: app.db, log: app.log, approvals });
  await app.register(aparRoutes, { prefix: '/api/v1', service });
};

export const aparModule: FigModule = { name: 'apar', plugin, serves: legacyAparRoutes };
export { reconcileAparRecord, APAR_ENTITIES, type AparEntity } from './legacy/reconcile';
export { aparPortalModule } from './portal/index';
