import { withTenant, type Db } from '../../core/db';
import { csvLine } from '../../core/csv';
import { eventsAfter } from '../repo';
import type { AuditEventFilter } from '../schema';

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
/** An export is bounded: past this many rows the caller narrows the filter. */
export const EXPORT_MAX_ROWS = 100_000;
const BATCH = 1000;

/** The filtered events as CSV, oldest first, formula-injection-safe cells (modules/core/csv.ts), in one snapshot. */
export function exportAuditEvents(db: Db, tenantId: string, filter: AuditEventFilter): Promise<string> {
  return withTenant(db, tenantId, async (trx) => {
    const chunks = [csvLine(CSV_COLUMNS)];
    let after = 0;
    let n = 0;
    while (n < EXPORT_MAX_ROWS) {
      const rows = await eventsAfter(trx, after, BATCH, filter);
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
      if (rows.length < BATCH) break;
      after = Number(rows[rows.length - 1]!.seq);
    }
    return chunks.join('');
  });
}
