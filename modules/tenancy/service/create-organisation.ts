import type { Db } from '../../core/db';
import * as repo from '../repo';

/** Create an organisation (owner connection; organisations are global). Idempotent on id. */
export async function createOrganisation(
  db: Db,
  org: { id?: string; name: string; slug: string },
): Promise<{ id: string; name: string; slug: string }> {
  return (await repo.insertOrganisationAsOwner(db, org)) ?? (await repo.getOrganisationAsOwner(db, org.id!));
}
