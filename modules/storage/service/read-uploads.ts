import { mapFields, rowMappingOf } from '../../core/cell-number';
import { withTenant } from '../../core/db';
import { csvLine } from '../../core/csv';
import { listPage, type Page } from '../../core/pagination';
import type { UploadStatus } from '../../runs/index';
import { StorageErrors } from '../errors';
import * as repo from '../repo';
import type { Problem, Upload } from '../schema';
import { signPath, signingKey } from '../signed-url';
import { type Caller, type StorageDeps } from './context';
import { parsedUpload } from './map-upload';
import { toProblem, toUpload } from './mappers';

async function anyUpload(deps: StorageDeps, caller: Caller, id: number) {
  const upload = await withTenant(deps.db, caller.tenantId, (trx) => repo.findUpload(trx, id));
  if (!upload || upload.tus_id === null) throw StorageErrors.uploadNotFound(id);
  return upload;
}

export const getUpload = async (deps: StorageDeps, caller: Caller, id: number): Promise<Upload> => toUpload(await anyUpload(deps, caller, id));

export function listUploads(deps: StorageDeps, caller: Caller, query: { limit: number; cursor?: string; status?: UploadStatus }): Promise<Page<Upload>> {
  return listPage(query, (offset, limit) => withTenant(deps.db, caller.tenantId, (trx) => repo.listUploads(trx, { offset, limit, status: query.status })), toUpload);
}

/** The first rows with the saved mapping applied, each with its problems. */
export async function previewUpload(deps: StorageDeps, caller: Caller, id: number, limit: number) {
  return withTenant(deps.db, caller.tenantId, async (trx) => {
    const upload = await parsedUpload(trx, id);
    if (!upload.mapping) throw StorageErrors.notMapped(id);
    const rows = await repo.sampleRows(trx, id, limit);
    const rowMapping = rowMappingOf(upload.mapping.columns);
    const problems = await repo.problemsOfRows(trx, id, rows.map((r) => r.row_no));
    return {
      uploadId: id,
      mapping: { planId: upload.mapping.plan_id, planVersion: upload.mapping.plan_version, columns: upload.mapping.columns, presetId: upload.mapping.preset_id },
      problemCount: upload.problem_count ?? 0,
      rows: rows.map((r) => {
        const mapped = mapFields(r.fields ?? {}, rowMapping);
        return {
          rowNo: r.row_no,
          employeeId: mapped.employee_id,
          name: mapped.name,
          department: mapped.department,
          inputs: mapped.inputs,
          problems: problems.filter((p) => p.row_no === r.row_no).map(toProblem),
        };
      }),
    };
  });
}

/** The validation report, a page at a time. */
export async function listUploadProblems(deps: StorageDeps, caller: Caller, id: number, query: { limit: number; cursor?: string }): Promise<Page<Problem>> {
  return listPage(
    query,
    (offset, limit) =>
      withTenant(deps.db, caller.tenantId, async (trx) => {
        const upload = await parsedUpload(trx, id);
        if (!upload.mapping) throw StorageErrors.notMapped(id);
        return repo.listProblems(trx, id, { offset, limit });
      }),
    toProblem,
  );
}

export const PROBLEM_CSV_HEADER = ['row', 'column', 'target', 'value', 'code', 'message', 'hint'];

/** The whole validation report as CSV lines (formula-injection-safe cells), read in pages of 5,000. */
export async function* problemsCsv(deps: StorageDeps, caller: Caller, id: number): AsyncGenerator<string> {
  await withTenant(deps.db, caller.tenantId, async (trx) => {
    const upload = await parsedUpload(trx, id);
    if (!upload.mapping) throw StorageErrors.notMapped(id);
  });
  yield csvLine(PROBLEM_CSV_HEADER);
  for (let offset = 0; ; offset += 5000) {
    const { rows } = await withTenant(deps.db, caller.tenantId, (trx) => repo.listProblems(trx, id, { offset, limit: 5000 }));
    let out = '';
    for (const p of rows) out += csvLine([p.row_no, p.column_name, p.target, p.value, p.code, p.message, p.hint]);
    if (out) yield out;
    if (rows.length < 5000) return;
  }
}

/** Where to download the file: a presigned S3 URL, or this gateway's signed file route. */
export async function downloadLink(deps: StorageDeps, caller: Caller, id: number): Promise<{ url: string; expiresAt: string; backend: 'local' | 's3' }> {
  const upload = await anyUpload(deps, caller, id);
  if (!upload.storage_key || upload.status === 'uploading') throw StorageErrors.fileGone(id);
  const ttl = deps.config.STORAGE_URL_TTL_S;
  const expires = Math.floor(Date.now() / 1000) + ttl;
  const presigned = await deps.store.presignedUrl(upload.storage_key, { filename: upload.filename, ttlS: ttl });
  const url = presigned ?? signPath(signingKey(deps.config), `/api/v1/tenants/${caller.tenantId}/uploads/${id}/file`, expires);
  return { url, expiresAt: new Date(expires * 1000).toISOString(), backend: deps.store.backend };
}

/** The stored file for a signed local link (checked by the route): its name and a stream. */
export async function openUploadFile(deps: StorageDeps, tenantId: string, id: number) {
  const upload = await withTenant(deps.db, tenantId, (trx) => repo.findUpload(trx, id));
  if (!upload?.storage_key) throw StorageErrors.uploadNotFound(id);
  return { filename: upload.filename, contentType: upload.content_type, stream: await deps.store.get(upload.storage_key) };
}
