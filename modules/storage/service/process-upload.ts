import path from 'node:path';
import { withTenant } from '../../core/db';
import type { UploadRecord } from '../../runs/index';
import { kindOfName, type FileKind } from '../inspect';
import { copyRows } from '../parse/copy-rows';
import { readRows, UnreadableFile } from '../parse/read-rows';
import * as repo from '../repo';
import { noScanner } from '../scanner';
import { auditStorage, quarantineKey, type Caller, type StorageDeps } from './context';

const SYSTEM = (tenantId: string): Caller => ({ tenantId, actor: 'system' });

async function setStatus(deps: StorageDeps, tenantId: string, id: number, status: 'scanning' | 'parsing') {
  await withTenant(deps.db, tenantId, (trx) => repo.updateUpload(trx, id, { status }));
}

async function fail(deps: StorageDeps, upload: UploadRecord, status: 'quarantined' | 'invalid', reason: string, storageKey: string | null) {
  return withTenant(deps.db, upload.tenant_id, async (trx) => {
    const after = await repo.updateUpload(trx, upload.id, { status, status_reason: reason, storage_key: storageKey });
    await auditStorage(trx, SYSTEM(upload.tenant_id), {
      action: `upload.${status}`,
      entity: 'upload',
      entityId: String(upload.id),
      after: { status, reason },
    });
    return after;
  });
}

/**
 * The background half of an upload (a worker job, never the gateway's event loop): scan the
 * stored file (quarantine on a finding), then stream it — CSV or the first XLSX sheet — into
 * runs.upload_rows with COPY and mark it `parsed`. Idempotent: a retry after a crash starts
 * again from the scan and replaces any rows loaded before.
 */
export async function processUpload(deps: StorageDeps, tenantId: string, uploadId: number): Promise<UploadRecord> {
  const upload = await withTenant(deps.db, tenantId, (trx) => repo.findUpload(trx, uploadId));
  if (!upload) throw new Error(`processUpload: no upload ${uploadId} in tenant ${tenantId}`);
  if (!['uploaded', 'scanning', 'parsing'].includes(upload.status) || !upload.storage_key) return upload;
  const kind = kindOfName(upload.filename) as FileKind;

  await setStatus(deps, tenantId, uploadId, 'scanning');
  const scanner = deps.scanner ?? noScanner;
  const verdict = await scanner.scan(await deps.store.get(upload.storage_key));
  if (!verdict.clean) {
    const to = quarantineKey(tenantId, uploadId, path.extname(upload.filename).toLowerCase());
    await deps.store.move(upload.storage_key, to);
    deps.log.warn({ uploadId, tenantId, reason: verdict.reason }, 'upload quarantined by the scanner');
    return fail(deps, upload, 'quarantined', verdict.reason, to);
  }

  await setStatus(deps, tenantId, uploadId, 'parsing');
  try {
    const { headers, rows } = await readRows(kind, await deps.store.get(upload.storage_key));
    await copyRows(deps.config.APP_DATABASE_URL, { tenantId, uploadId, headers }, rows, async (client, rowCount, stats) => {
      if (rowCount === 0) throw new UnreadableFile('the file has a header but no data rows');
      // Same transaction as the COPY: rows and the `parsed` state commit together.
      const res = await client.query(
        `update runs.uploads set status = 'parsed', status_reason = null, row_count = $2, columns = $3::jsonb,
           parsed_at = now(), updated_at = now(), mapping = null, problem_count = null, column_stats = $4::jsonb
         where id = $1 returning id`,
        [uploadId, rowCount, JSON.stringify(headers), JSON.stringify(stats)],
      );
      if (res.rowCount !== 1) throw new Error(`processUpload: upload ${uploadId} vanished`);
    });
    return await withTenant(deps.db, tenantId, async (trx) => {
      const after = (await repo.findUpload(trx, uploadId))!;
      await auditStorage(trx, SYSTEM(tenantId), {
        action: 'upload.parsed',
        entity: 'upload',
        entityId: String(uploadId),
        after: { rowCount: after.row_count, columns: headers.length },
      });
      return after;
    });
  } catch (err) {
    if (err instanceof UnreadableFile) return fail(deps, upload, 'invalid', err.message, upload.storage_key);
    throw err;
  }
}
