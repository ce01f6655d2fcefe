import type { Trx } from '../core/db';
import { recordAudit } from '../audit/index';
import type { Caller } from './service/context';

/**
 * The plans module's one seam to the audit log: every change calls this inside the same
 * tenant transaction, so the change and its audit event commit (or roll back) together.
 */
export async function auditPlanChange(
  trx: Trx,
  caller: Caller,
  event: { action: string; entity: string; entityId: string; before?: unknown; after?: unknown },
): Promise<void> {
  await recordAudit(trx, {
    tenantId: caller.tenantId,
    actor: caller.actor,
    actorId: caller.actorId ?? null,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    before: event.before,
    after: event.after,
    requestId: caller.requestId ?? null,
    ip: caller.ip ?? null,
  });
}
