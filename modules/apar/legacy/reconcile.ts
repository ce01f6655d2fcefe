import pino from 'pino';
import type { Db } from '../../core/db';
import { createAparService, type Caller } from '../service';
import { copyDocument, copyParty, copyPayment, existsInFig, type Row } from './backfill';
import { legacyDocument, legacyParty, legacyPayment } from './shapes';

/** Entities of the AP/AR dual-write routes (entityOf: the path before its first parameter). */
export const APAR_ENTITIES = [
  '/api/v1/customers',
  '/api/v1/vendors',
  '/api/v1/invoices',
  '/api/v1/bills',
  '/api/v1/payments',
] as const;
export type AparEntity = (typeof APAR_ENTITIES)[number];

const KIND = {
  '/api/v1/customers': ['parties', 'customer'],
  '/api/v1/vendors': ['parties', 'vendor'],
  '/api/v1/invoices': ['documents', 'invoice'],
  '/api/v1/bills': ['documents', 'bill'],
  '/api/v1/payments': ['payments', 'received'],
} as const;

/** Fields that differ between legacy's record and fig's (legacy-shaped; created_at aside). */
function differing(legacy: Row, fig: Record<string, unknown>): string[] {
  return Object.keys(legacy).filter(
    (k) => k !== 'created_at' && k !== 'allocations' && JSON.stringify(legacy[k]) !== JSON.stringify(fig[k]),
  );
}

/**
 * Reconcile one AP/AR record of a dual-write issue, legacy being the truth: a record fig lacks is
 * copied with legacy's id (as the backfill does); one fig holds is compared in legacy's shape. A
 * record that differs is not overwritten (the ledger is append-only: correct it with a credit note
 * or write-off) and the reconciliation fails naming the fields.
 */
export async function reconcileAparRecord(
  deps: { db: Db; legacyUrl: string },
  tenantId: string,
  entity: AparEntity,
  legacyId: string,
): Promise<string> {
  const id = Number(legacyId);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error(`not a legacy id: ${legacyId}`);
  const res = await fetch(new URL(`${entity}/${id}`, deps.legacyUrl), {
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status === 404) throw new Error(`legacy has no ${entity}/${id}: fig's copy (if any) is fig-only`);
  if (!res.ok) throw new Error(`legacy answered ${res.status} to GET ${entity}/${id}`);
  const record = (await res.json()) as Row;
  const service = createAparService({ db: deps.db, log: pino({ level: 'silent' }) });
  const caller: Caller = { tenantId, actor: 'reconcile' };
  const [table, kind] = KIND[entity];
  if (!(await existsInFig(deps.db, tenantId, table, kind, id))) {
    if (kind === 'customer' || kind === 'vendor') await copyParty({ service, caller }, kind, record);
    else if (kind === 'invoice' || kind === 'bill') await copyDocument({ service, caller }, kind, record);
    else await copyPayment({ service, caller }, record);
    return `copied legacy ${entity}/${id} into fig`;
  }
  const fig =
    kind === 'customer' || kind === 'vendor'
      ? legacyParty(await service.getParty(caller, kind, id))
      : kind === 'invoice' || kind === 'bill'
        ? legacyDocument(await service.getDocument(caller, kind, id))
        : legacyPayment(await service.getPayment(caller, 'received', id));
  const diff = differing(record, fig);
  if (diff.length > 0)
    throw new Error(
      `fig's ${entity}/${id} differs from legacy's in ${diff.join(', ')} (not overwritten: post a correction)`,
    );
  return `fig already equals legacy's ${entity}/${id}`;
}
