import { withTenant, type Db } from '../../core/db';
import { verifyChain } from '../verify-chain';

/** Re-walk the tenant's hash chain and report the first broken link. */
export function verifyAuditChain(db: Db, tenantId: string) {
  return withTenant(db, tenantId, (trx) => verifyChain(trx));
}
