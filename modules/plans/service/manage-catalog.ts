import { auditPlanChange } from '../audit';
import { PlanErrors, PG_UNIQUE_VIOLATION, pgCode } from '../errors';
import { toCatalogItem } from '../mappers';
import * as repo from '../repo';
import type { CreateInputCatalogBody, InputCatalogItem } from '../schema';
import type { Caller, PlansDeps } from './context';
import { inTenant } from './context';

/** GET /tenants/{tid}/input-catalog (small: every entry, by key). */
export async function listInputCatalog(deps: PlansDeps, caller: Caller): Promise<{ data: InputCatalogItem[] }> {
  return inTenant(deps, caller, async (trx) => ({ data: (await repo.listCatalog(trx, caller.tenantId)).map(toCatalogItem) }));
}

/** POST /tenants/{tid}/input-catalog */
export async function createInputCatalogItem(deps: PlansDeps, caller: Caller, body: CreateInputCatalogBody): Promise<InputCatalogItem> {
  try {
    return await inTenant(deps, caller, async (trx) => {
      const row = await repo.insertCatalogItem(trx, {
        tenant_id: caller.tenantId,
        key: body.key,
        label: body.label,
        type: body.type,
        description: body.description,
        unit: body.unit ?? null,
      });
      const item = toCatalogItem(row);
      await auditPlanChange(trx, caller, { action: 'input_catalog.create', entity: 'input_catalog', entityId: row.id, after: item });
      return item;
    });
  } catch (err) {
    if (pgCode(err) === PG_UNIQUE_VIOLATION) throw PlanErrors.catalogKeyTaken(body.key);
    throw err;
  }
}
