import { sql } from 'kysely';
import type { Trx } from '../core/db';
import type { UploadRecord, UploadStatus } from '../runs/index';
import type { MappingPresetRow, ProblemCode, UploadProblemRow } from './tables';
import './tables';

/*
 * Storage's queries. runs.uploads / runs.upload_rows belong to the runs domain (ADR 0009); this
 * module writes only product uploads (source 'fig' with a tus id) and the columns migration 0080
 * added for them (ADR 0015). Every function runs in the caller's tenant transaction (RLS).
 */

export async function insertUpload(
  trx: Trx,
  row: { tenantId: string; filename: string; contentType: string | null; sizeBytes: number; tusId: string; backend: 'local' | 's3'; createdBy: string },
): Promise<UploadRecord> {
  return trx
    .insertInto('runs.uploads')
    .values({
      tenant_id: row.tenantId,
      filename: row.filename,
      row_count: 0,
      sha256: null as unknown as string,
      size_bytes: row.sizeBytes,
      content_type: row.contentType,
      status: 'uploading',
      source: 'fig',
      tus_id: row.tusId,
      storage_backend: row.backend,
      created_by: row.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const findUpload = (trx: Trx, id: number) => trx.selectFrom('runs.uploads').selectAll().where('id', '=', id).executeTakeFirst();

export const findUploadByTusId = (trx: Trx, tusId: string) =>
  trx.selectFrom('runs.uploads').selectAll().where('tus_id', '=', tusId).executeTakeFirst();

/** Lock the upload row for a state change. */
export const lockUpload = (trx: Trx, id: number) =>
  trx.selectFrom('runs.uploads').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export async function updateUpload(
  trx: Trx,
  id: number,
  patch: Partial<{
    status: UploadStatus;
    status_reason: string | null;
    sha256: string;
    size_bytes: number;
    storage_key: string | null;
    row_count: number;
    columns: string | null;
    mapping: string | null;
    plan_id: string | null;
    problem_count: number | null;
    parsed_at: Date;
  }>,
): Promise<UploadRecord> {
  return trx
    .updateTable('runs.uploads')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listUploads(trx: Trx, opts: { limit: number; offset: number; status?: UploadStatus }) {
  let q = trx.selectFrom('runs.uploads').where('tus_id', 'is not', null);
  if (opts.status) q = q.where('status', '=', opts.status);
  const [total, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    q.selectAll().orderBy('id', 'desc').offset(opts.offset).limit(opts.limit).execute(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---- presets

export const listPresets = (trx: Trx) => trx.selectFrom('storage.mapping_presets').selectAll().orderBy('name').execute();

export const findPreset = (trx: Trx, id: string) =>
  trx.selectFrom('storage.mapping_presets').selectAll().where('id', '=', id).executeTakeFirst();

/** Presets saved for exactly this set of headers, newest first. */
export const findPresetsByHeaders = (trx: Trx, headersKey: string) =>
  trx.selectFrom('storage.mapping_presets').selectAll().where('headers_key', '=', headersKey).orderBy('updated_at', 'desc').execute();

export async function insertPreset(
  trx: Trx,
  row: { tenantId: string; name: string; planFamilyId: string | null; columns: Record<string, string | null>; headersKey: string; createdBy: string },
): Promise<MappingPresetRow> {
  return trx
    .insertInto('storage.mapping_presets')
    .values({
      tenant_id: row.tenantId,
      name: row.name,
      plan_family_id: row.planFamilyId,
      columns: JSON.stringify(row.columns),
      headers_key: row.headersKey,
      created_by: row.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updatePreset(
  trx: Trx,
  id: string,
  patch: { name?: string; columns?: Record<string, string | null>; headersKey?: string },
): Promise<MappingPresetRow | undefined> {
  return trx
    .updateTable('storage.mapping_presets')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.columns !== undefined ? { columns: JSON.stringify(patch.columns), headers_key: patch.headersKey! } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export const deletePreset = (trx: Trx, id: string) =>
  trx.deleteFrom('storage.mapping_presets').where('id', '=', id).returningAll().executeTakeFirst();

// ---- rows and problems

/** The first `limit` rows (header is row 1), for sampling and preview. */
export const sampleRows = (trx: Trx, uploadId: number, limit: number) =>
  trx
    .selectFrom('runs.upload_rows')
    .select(['row_no', 'employee_id', 'name', 'department', 'inputs', 'fields'])
    .where('upload_id', '=', uploadId)
    .orderBy('row_no')
    .limit(limit)
    .execute();

export async function listProblems(trx: Trx, uploadId: number, opts: { limit: number; offset: number }) {
  const [total, rows] = await Promise.all([
    trx.selectFrom('storage.upload_problems').where('upload_id', '=', uploadId).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    trx.selectFrom('storage.upload_problems').selectAll().where('upload_id', '=', uploadId).orderBy('seq').offset(opts.offset).limit(opts.limit).execute(),
  ]);
  return { rows: rows as UploadProblemRow[], total: Number(total.n) };
}

/** Problems of the given rows (a preview page). */
export const problemsOfRows = (trx: Trx, uploadId: number, rowNos: number[]) =>
  trx.selectFrom('storage.upload_problems').selectAll().where('upload_id', '=', uploadId).where('row_no', 'in', rowNos.length ? rowNos : [-1]).orderBy('seq').execute();

export type { ProblemCode };
