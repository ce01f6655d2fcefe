import { withTenant, type Db } from '../../core/db';
import { notFound } from '../../core/errors';
import { listPage, type Page } from '../../core/pagination';
import * as repo from '../repo';
import type { Mismatch, MismatchQuery } from '../schema';
import { toMismatch } from './context';

/** A report's mismatches, largest difference first, filtered; a 404 problem for an unknown report. */
export function listMismatches(db: Db, tenantId: string, reportId: string, query: MismatchQuery): Promise<Page<Mismatch>> {
  return listPage(
    query,
    (offset) =>
      withTenant(db, tenantId, async (trx) => {
        if (!(await repo.findReport(trx, reportId))) throw notFound('Parity report', reportId);
        return repo.listMismatches(trx, reportId, query, offset);
      }),
    toMismatch,
  );
}
