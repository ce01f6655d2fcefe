import type { Trx } from '../../core/db';
import { recordAudit } from '../../audit/index';
import * as repo from '../repo';
import { switchToTenant } from './context';
import { slugFor } from './manage-organisations';

/** The role a self-serve founder gets: the tenant roles are global, so nothing else is seeded. */
export const FOUNDER_ROLES = ['admin'];

/**
 * The tenancy half of a verified self-serve sign-up, in the caller's owner transaction (which has
 * already written the user): create the organisation, then switch the transaction to it and add
 * the founder as its first admin, auditing both in the new organisation's trail.
 */
export async function foundOrganisation(
  trx: Trx,
  input: { id: string; name: string; founder: { id: string; email: string }; requestId: string | null; ip: string | null },
): Promise<{ id: string; name: string; slug: string }> {
  const org = (await repo.insertOrganisationAsOwner(trx, { id: input.id, name: input.name, slug: slugFor(input.name) }))!;
  await switchToTenant(trx, org.id);
  await repo.addMember(trx, org.id, input.founder.id, FOUNDER_ROLES);
  const who = { tenantId: org.id, actor: input.founder.email, actorId: input.founder.id, requestId: input.requestId, ip: input.ip };
  await recordAudit(trx, {
    ...who,
    action: 'organisation.create',
    entity: 'organisation',
    entityId: org.id,
    after: { name: org.name, slug: org.slug, via: 'self-serve sign-up' },
  });
  await recordAudit(trx, {
    ...who,
    action: 'member.add',
    entity: 'membership',
    entityId: input.founder.id,
    after: { email: input.founder.email, roles: FOUNDER_ROLES },
  });
  return org;
}
