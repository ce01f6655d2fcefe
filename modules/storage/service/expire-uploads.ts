import { sql } from 'kysely';
import type { FileStore } from '@tus/file-store';
import { withTenant } from '../../core/db';
import * as repo from '../repo';
import { auditStorage, type StorageDeps } from './context';

/**
 * Expire incomplete tus uploads (ADR 0025): every upload still `uploading` after
 * UPLOAD_INCOMPLETE_TTL_S is deleted in its tenant (audited `upload.expired`) and its staged file
 * removed; staged files tus itself considers expired (no row left) go too. Idempotent: any number
 * of gateways may run it. Returns how many uploads expired.
 */
export async function expireIncompleteUploads(
  deps: Pick<StorageDeps, 'db' | 'config' | 'log'>,
  staging: FileStore,
): Promise<number> {
  const ttl = `${deps.config.UPLOAD_INCOMPLETE_TTL_S} seconds`;
  const { rows } = await sql<{
    tenant_id: string;
    id: number;
    tus_id: string;
  }>`select * from storage.expired_incomplete_uploads(${ttl}::interval)`.execute(deps.db);
  for (const row of rows) {
    await withTenant(deps.db, row.tenant_id, async (trx) => {
      const deleted = await repo.deleteUploadingByTusId(trx, row.tus_id);
      if (Number(deleted[0]?.numDeletedRows ?? 0) === 0) return; // finished or removed meanwhile
      await auditStorage(
        trx,
        { tenantId: row.tenant_id, actor: 'system' },
        {
          action: 'upload.expired',
          entity: 'upload',
          entityId: String(row.id),
          after: { reason: `incomplete after ${deps.config.UPLOAD_INCOMPLETE_TTL_S} s` },
        },
      );
    });
    await staging.remove(row.tus_id).catch(() => undefined); // already gone: nothing to do
  }
  await staging
    .deleteExpired()
    .catch((err: Error) => deps.log.warn({ err: err.message }, 'expired tus files not all removed'));
  if (rows.length > 0) deps.log.info({ uploads: rows.map((r) => r.id) }, 'incomplete uploads expired');
  return rows.length;
}
