import { AparErrors } from '../errors';
import { toParty, toPartySummary } from '../mappers';
import * as repo from '../repo';
import type { ContactBody, Party, PartyBody, PartyKind, PartySummary, SortKey } from '../schema';
import { audit, inTenant, type AparDeps, type Caller, type Imposed, type Listed } from './context';

/** Create a customer or vendor (with contacts); legacy ids may be imposed (dual-write, backfill). */
export async function createParty(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  body: PartyBody,
  imposed: Imposed = {},
): Promise<Party> {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const useId = await repo.takeId(trx, t, kind, imposed.id);
    await repo.insertParty(trx, t, {
      kind,
      id: useId,
      name: body.name,
      email: body.email ?? null,
      createdAt: imposed.createdAt,
    });
    for (const contact of body.contacts ?? []) await repo.insertContact(trx, t, kind, useId, contact);
    const party = await loadParty(trx, t, kind, useId);
    await audit(trx, caller, {
      action: `apar.${kind}.create`,
      entity: kind,
      entityId: String(useId),
      after: party,
    });
    return party;
  });
}

async function loadParty(
  trx: Parameters<typeof repo.findParty>[0],
  t: string,
  kind: PartyKind,
  id: number,
): Promise<Party> {
  const row = await repo.findParty(trx, t, kind, id);
  if (!row) throw AparErrors.partyNotFound(kind, id);
  return toParty(row, await repo.listContacts(trx, t, kind, [id]));
}

/** One customer or vendor with its contacts and ledger balance, or 404. */
export function getParty(deps: AparDeps, caller: Caller, kind: PartyKind, id: number): Promise<Party> {
  return inTenant(deps, caller, (trx) => loadParty(trx, caller.tenantId, kind, id));
}

/** Customers or vendors by id from `offset`, with the total. */
export function listParties(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  offset: number,
  limit: number,
  sort: SortKey[] = [],
): Promise<Listed<Party>> {
  return inTenant(deps, caller, async (trx) => {
    const res = await repo.listParties(trx, caller.tenantId, kind, offset, limit, true, sort);
    const contacts = await repo.listContacts(
      trx,
      caller.tenantId,
      kind,
      res.rows.map((r) => Number(r.id)),
    );
    return { rows: res.rows.map((r) => toParty(r, contacts)), total: res.total };
  });
}

/** Customers or vendors by id from `offset`, without balances (legacy's list: no balance to sum). */
export function listPartySummaries(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  offset: number,
  limit: number,
): Promise<Listed<PartySummary>> {
  return inTenant(deps, caller, async (trx) => {
    const res = await repo.listParties(trx, caller.tenantId, kind, offset, limit, false);
    return { rows: res.rows.map((r) => toPartySummary(r, [])), total: res.total };
  });
}

/** Add a contact to a customer or vendor. */
export async function addContact(
  deps: AparDeps,
  caller: Caller,
  kind: PartyKind,
  id: number,
  body: ContactBody,
): Promise<Party> {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    if (!(await repo.findParty(trx, t, kind, id))) throw AparErrors.partyNotFound(kind, id);
    await repo.insertContact(trx, t, kind, id, body);
    const party = await loadParty(trx, t, kind, id);
    await audit(trx, caller, {
      action: `apar.${kind}.contact.add`,
      entity: kind,
      entityId: String(id),
      after: body,
    });
    return party;
  });
}
