import { randomBytes } from 'node:crypto';
import { withTenant } from '../../core/db';
import { cursorOffset, page } from '../../core/pagination';
import { TenancyErrors } from '../errors';
import * as repo from '../repo';
import type { CreatedInvitation, PlatformOrganisation } from '../schema';
import { audit, switchToTenant, type Caller, type TenancyDeps } from './context';
import { inviteMember } from './invite-member';

/** Who acts on the platform (ops user or the admin token), for the tenant's audit trail. */
export type PlatformActor = Omit<Caller, 'tenantId'>;

const toOrganisation = (o: repo.OrganisationRow): PlatformOrganisation => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  status: o.suspended_at ? 'suspended' : 'active',
  createdAt: o.created_at.toISOString(),
  suspendedAt: o.suspended_at?.toISOString() ?? null,
  suspendedReason: o.suspended_reason,
});

/** A URL-safe slug from a name, with a random tail so two "Acme"s never collide. */
export function slugFor(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${base || 'org'}-${randomBytes(3).toString('hex')}`;
}

/** GET /_fig/tenants: every organisation, by name. */
export async function listOrganisations(
  deps: TenancyDeps,
  q: { status?: 'active' | 'suspended'; search?: string; limit: number; cursor?: string },
) {
  const offset = cursorOffset(q.cursor);
  const { rows, total } = await repo.listOrganisationsAsOwner(deps.db, q, offset, q.limit);
  return page(rows.map(toOrganisation), total, offset, q.limit);
}

/**
 * POST /_fig/tenants (and `fig tenant create`): a new organisation and an invitation of its first
 * admin (the usual invitation mail, through the outbox). Audited in the new tenant's trail.
 */
export async function createTenant(
  deps: TenancyDeps,
  actor: PlatformActor,
  input: { name: string; adminEmail: string },
): Promise<{ organisation: PlatformOrganisation; invitation: CreatedInvitation }> {
  const org = await repo.insertOrganisationAsOwner(deps.db, { name: input.name, slug: slugFor(input.name) });
  const caller: Caller = { ...actor, tenantId: org!.id };
  await withTenant(deps.db, org!.id, (trx) =>
    audit(trx, caller, {
      action: 'organisation.create',
      entity: 'organisation',
      entityId: org!.id,
      after: { name: org!.name, slug: org!.slug },
    }),
  );
  const invitation = await inviteMember(deps, caller, { email: input.adminEmail, roles: ['admin'] });
  const row = (await repo.findOrganisationAsOwner(deps.db, org!.id))!;
  return { organisation: toOrganisation(row), invitation };
}

/**
 * Suspend (with a reason) or reactivate an organisation, by id or slug: audited in its own trail,
 * and every member's access tokens end at once (sign-in and refresh then refuse the organisation
 * with FIG_TENANT_SUSPENDED). 409 when it already is in that state.
 */
export async function setOrganisationSuspended(
  deps: TenancyDeps,
  actor: PlatformActor,
  idOrSlug: string,
  reason: string | null,
): Promise<PlatformOrganisation> {
  const before = await repo.findOrganisationAsOwner(deps.db, idOrSlug);
  if (!before) throw TenancyErrors.organisationNotFound();
  const caller: Caller = { ...actor, tenantId: before.id };
  const members = await deps.db.transaction().execute(async (trx) => {
    // The status is global (fig_service); the audit event and member list are the tenant's (RLS).
    if (!(await repo.setSuspendedAsOwner(trx, before.id, reason, deps.clock?.() ?? new Date())))
      throw reason === null
        ? TenancyErrors.notSuspended(before.name)
        : TenancyErrors.alreadySuspended(before.name);
    await switchToTenant(trx, before.id);
    await audit(trx, caller, {
      action: reason === null ? 'organisation.reactivate' : 'organisation.suspend',
      entity: 'organisation',
      entityId: before.id,
      before: { status: before.suspended_at ? 'suspended' : 'active', reason: before.suspended_reason },
      after: { status: reason === null ? 'active' : 'suspended', reason },
    });
    return repo.listMemberUserIds(trx);
  });
  if (reason !== null) for (const userId of members) await deps.identity.bumpPermsVersion(userId);
  return toOrganisation((await repo.findOrganisationAsOwner(deps.db, before.id))!);
}
