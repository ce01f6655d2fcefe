import { createHash } from 'node:crypto';
import { withTenant } from '../../core/db';
import * as repo from '../repo';
import type { RecordSource, UploadRecord } from '../tables';
import { now, type RunsDeps } from './context';

/** One validated employee row of an upload: its line in the file, identity and plan inputs. */
export interface UploadRowInput {
  row_no: number;
  employee_id: string;
  name: string;
  department: string;
  /** Canonical decimal strings by input name. */
  inputs: Record<string, string>;
}

export interface CreateUploadInput {
  filename: string;
  /** The file as received (hashed and measured; not kept here — issue 14 stores files). */
  content: Buffer;
  contentType?: string | null;
  columns?: string[] | null;
  rows: UploadRowInput[];
  source: RecordSource;
  /** Backfill: legacy's id, hash (of a file fig never saw) and time. */
  id?: number;
  sha256?: string;
  createdAt?: Date;
  createdBy?: string;
}

/** Store an upload and its validated rows in one transaction. */
export async function createUpload(deps: RunsDeps, tenantId: string, input: CreateUploadInput): Promise<UploadRecord> {
  return withTenant(deps.db, tenantId, async (trx) => {
    const upload = await repo.insertUpload(trx, {
      ...(input.id !== undefined ? { id: input.id } : {}),
      tenant_id: tenantId,
      filename: input.filename,
      row_count: input.rows.length,
      sha256: input.sha256 ?? createHash('sha256').update(input.content).digest('hex'),
      size_bytes: input.content.length,
      content_type: input.contentType ?? null,
      storage_key: null,
      columns: input.columns ? JSON.stringify(input.columns) : null,
      source: input.source,
      created_by: input.createdBy ?? 'system',
      created_at: input.createdAt ?? now(deps),
    });
    await repo.insertUploadRows(
      trx,
      input.rows.map((r) => ({
        upload_id: upload.id,
        tenant_id: tenantId,
        row_no: r.row_no,
        employee_id: r.employee_id,
        name: r.name,
        department: r.department,
        inputs: JSON.stringify(r.inputs),
      })),
    );
    return upload;
  });
}
