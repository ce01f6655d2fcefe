import { withTenant } from '../../core/db';
import { StorageErrors } from '../errors';
import * as repo from '../repo';
import type { ColumnMap, MappingPreset } from '../schema';
import { auditStorage, type Caller, type StorageDeps } from './context';
import { headersKey } from './map-upload';
import { toPreset } from './mappers';

const PG_UNIQUE = '23505';
const isUnique = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: string }).code === PG_UNIQUE;

export async function listPresets(deps: StorageDeps, caller: Caller): Promise<{ data: MappingPreset[] }> {
  return { data: (await withTenant(deps.db, caller.tenantId, (trx) => repo.listPresets(trx))).map(toPreset) };
}

export async function getPreset(deps: StorageDeps, caller: Caller, id: string): Promise<MappingPreset> {
  const row = await withTenant(deps.db, caller.tenantId, (trx) => repo.findPreset(trx, id));
  if (!row) throw StorageErrors.presetNotFound(id);
  return toPreset(row);
}

/** Save a header → target map as a named preset (suggestions for a file with the same headers prefer it). */
export async function createPreset(deps: StorageDeps, caller: Caller, body: { name: string; planFamilyId?: string | null; columns: ColumnMap }): Promise<MappingPreset> {
  try {
    return await withTenant(deps.db, caller.tenantId, async (trx) => {
      const row = await repo.insertPreset(trx, {
        tenantId: caller.tenantId,
        name: body.name,
        planFamilyId: body.planFamilyId ?? null,
        columns: body.columns,
        headersKey: headersKey(Object.keys(body.columns)),
        createdBy: caller.actor,
      });
      await auditStorage(trx, caller, { action: 'mapping_preset.created', entity: 'mapping_preset', entityId: row.id, after: { name: row.name, columns: row.columns } });
      return toPreset(row);
    });
  } catch (err) {
    if (isUnique(err)) throw StorageErrors.presetNameTaken(body.name);
    throw err;
  }
}

export async function patchPreset(deps: StorageDeps, caller: Caller, id: string, body: { name?: string; columns?: ColumnMap }): Promise<MappingPreset> {
  try {
    return await withTenant(deps.db, caller.tenantId, async (trx) => {
      const before = await repo.findPreset(trx, id);
      if (!before) throw StorageErrors.presetNotFound(id);
      const row = (await repo.updatePreset(trx, id, { ...body, headersKey: body.columns ? headersKey(Object.keys(body.columns)) : undefined }))!;
      await auditStorage(trx, caller, { action: 'mapping_preset.updated', entity: 'mapping_preset', entityId: id, before: { name: before.name, columns: before.columns }, after: { name: row.name, columns: row.columns } });
      return toPreset(row);
    });
  } catch (err) {
    if (isUnique(err)) throw StorageErrors.presetNameTaken(body.name ?? '');
    throw err;
  }
}

export async function deletePreset(deps: StorageDeps, caller: Caller, id: string): Promise<void> {
  await withTenant(deps.db, caller.tenantId, async (trx) => {
    const row = await repo.deletePreset(trx, id);
    if (!row) throw StorageErrors.presetNotFound(id);
    await auditStorage(trx, caller, { action: 'mapping_preset.deleted', entity: 'mapping_preset', entityId: id, before: { name: row.name, columns: row.columns } });
  });
}
