import { createHash } from 'node:crypto';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { withTenant } from '../../core/db';
import type { UploadRecord } from '../../runs/index';
import { checkMagic, kindOfName, type FileKind } from '../inspect';
import * as repo from '../repo';
import { auditStorage, objectKey, quarantineKey, type Caller, type StorageDeps } from './context';

const HEAD_BYTES = 8192;

/** Register a new tus upload (status `uploading`): the row exists from the first byte on. */
export async function beginUpload(
  deps: StorageDeps,
  caller: Caller,
  input: { filename: string; contentType: string | null; sizeBytes: number; tusId: string },
): Promise<UploadRecord> {
  return withTenant(deps.db, caller.tenantId, (trx) =>
    repo.insertUpload(trx, { ...input, tenantId: caller.tenantId, backend: deps.store.backend, createdBy: caller.actor }),
  );
}

/**
 * The last byte has arrived: stream the staged file once into storage while hashing it (SHA-256)
 * and keeping its first bytes; then check size, type and magic bytes. A failed check quarantines
 * the file with the reason (never parsed); a good file becomes `uploaded`, ready for the scan.
 */
export async function receiveUpload(
  deps: StorageDeps,
  caller: Caller,
  uploadId: number,
  file: Readable,
): Promise<UploadRecord> {
  const upload = await withTenant(deps.db, caller.tenantId, (trx) => repo.findUpload(trx, uploadId));
  if (!upload) throw new Error(`receiveUpload: no upload ${uploadId}`);
  const kind = kindOfName(upload.filename) as FileKind;
  const ext = path.extname(upload.filename).toLowerCase();
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLen = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      if (headLen < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headLen));
        headLen += Math.min(chunk.length, HEAD_BYTES - headLen);
      }
      done(null, chunk);
    },
  });
  file.on('error', (err) => tap.destroy(err));
  const key = objectKey(caller.tenantId, uploadId, ext);
  const { size } = await deps.store.put(key, file.pipe(tap), { contentType: upload.content_type ?? undefined });
  const sha256 = hash.digest('hex');

  let reason = checkMagic(kind, Buffer.concat(head));
  if (!reason && size > deps.config.UPLOAD_MAX_BYTES) reason = `the file is ${size} bytes, over the limit of ${deps.config.UPLOAD_MAX_BYTES}`;
  let storageKey = key;
  if (reason) {
    storageKey = quarantineKey(caller.tenantId, uploadId, ext);
    await deps.store.move(key, storageKey);
  }
  return withTenant(deps.db, caller.tenantId, async (trx) => {
    const after = await repo.updateUpload(trx, uploadId, {
      status: reason ? 'quarantined' : 'uploaded',
      status_reason: reason ?? null,
      sha256,
      size_bytes: size,
      storage_key: storageKey,
    });
    await auditStorage(trx, caller, {
      action: reason ? 'upload.quarantined' : 'upload.received',
      entity: 'upload',
      entityId: String(uploadId),
      after: { filename: after.filename, sha256, size, status: after.status, reason: reason ?? null },
    });
    return after;
  });
}
