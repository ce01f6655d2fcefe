import { withTenant } from '../../core/db';
import { listPage, type Page, type PageQuery } from '../../core/pagination';
import * as repo from '../repo';
import type { Member } from '../schema';
import { toMember, type Caller, type TenancyDeps } from './context';

/**
 * GET /tenants/{tid}/members: members by email. Identity pages the tenant's users (RLS shows
 * only members); their memberships and roles come from tenancy's own tables.
 */
export async function listMembers(deps: TenancyDeps, caller: Caller, query: PageQuery): Promise<Page<Member>> {
  return listPage(
    query,
    (offset, limit) =>
      withTenant(deps.db, caller.tenantId, async (trx) => {
        const users = await deps.identity.listTenantUsers(trx, offset, limit);
        const memberships = new Map((await repo.listMemberships(trx, users.rows.map((u) => u.id))).map((m) => [m.userId, m]));
        const rows = users.rows.map((u) => {
          const m = memberships.get(u.id);
          if (!m) throw new Error(`user ${u.id} is visible in tenant ${caller.tenantId} without a membership`);
          return toMember(m, u);
        });
        return { rows, total: users.total };
      }),
    (m) => m,
  );
}
