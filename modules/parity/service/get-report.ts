import type { Db } from '../../core/db';
import { withTenant } from '../../core/db';
import { notFound } from '../../core/errors';
import { listPage, type Page } from '../../core/pagination';
import * as repo from '../repo';
import type { ParityReport } from '../schema';
import { toReport } from './context';

/** One report of the tenant, or a 404 problem. */
export async function getReport(db: Db, tenantId: string, id: string): Promise<ParityReport> {
  const row = await withTenant(db, tenantId, (trx) => repo.findReport(trx, id));
  if (!row) throw notFound('Parity report', id);
  return toReport(row);
}

/** The tenant's reports, newest first. */
export function listReports(db: Db, tenantId: string, query: { limit: number; cursor?: string }): Promise<Page<ParityReport>> {
  return listPage(query, (offset, limit) => withTenant(db, tenantId, (trx) => repo.listReports(trx, offset, limit)), toReport);
}
