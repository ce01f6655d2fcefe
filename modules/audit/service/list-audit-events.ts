import { withTenant, type Db } from '../../core/db';
import { listPage } from '../../core/pagination';
import { chainedFields } from '../verify-chain';
import { listEvents } from '../repo';
import type { AuditEvent, AuditEventFilter } from '../schema';
import type { AuditEventRow } from '../tables';

/** Wire shape of a stored event. */
export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return { id: row.id, ...chainedFields(row), hash: row.hash };
}

/** One page of the tenant's events, newest first, filtered. */
export function listAuditEvents(
  db: Db,
  tenantId: string,
  filter: AuditEventFilter,
  page: { cursor?: string; limit: number },
) {
  return listPage(
    page,
    (offset) => withTenant(db, tenantId, (trx) => listEvents(trx, filter, offset, page.limit)),
    toAuditEvent,
  );
}
