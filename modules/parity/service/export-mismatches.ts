import { withTenant, type Db } from '../../core/db';
import { notFound } from '../../core/errors';
import * as repo from '../repo';
import type { ParityReport } from '../schema';
import { toMismatch, toReport } from './context';

/** Header of the CSV/XLSX export: the summary columns after the id (`exportMismatches` writes them in this order). */
export const EXPORT_COLUMNS = repo.MISMATCH_SUMMARY_COLUMNS.slice(1);
const EXPORT_MAX_ROWS = 200_000;

/** One export row: strings, numbers or empty. */
export type ExportCell = string | number | null;

/** A report and its mismatches as export rows (at most 200,000), in EXPORT_COLUMNS order. */
export async function exportMismatches(db: Db, tenantId: string, id: string): Promise<{ report: ParityReport; rows: ExportCell[][] }> {
  return withTenant(db, tenantId, async (trx) => {
    const report = await repo.findReport(trx, id);
    if (!report) throw notFound('Parity report', id);
    const rows: repo.MismatchSummaryRow[] = [];
    let after = '0';
    while (rows.length < EXPORT_MAX_ROWS) {
      const chunk = await repo.mismatchesAfter(trx, id, after, 2000);
      rows.push(...chunk);
      if (chunk.length < 2000) break;
      after = String(chunk[chunk.length - 1]?.id);
    }
    return { report: toReport(report), rows: rows.map(cells) };
  });
}

function cells(m: repo.MismatchSummaryRow): ExportCell[] {
  const w = toMismatch(m);
  return [w.batchId, w.employeeId, w.output, w.legacyValue, w.newValue, w.absDiff, w.withinTolerance ? 'yes' : 'no', w.firstDiffStep];
}
