import type { UploadRecord } from '../../runs/index';
import type { MappingPreset, Problem, Upload } from '../schema';
import type { MappingPresetRow, UploadProblemRow } from '../tables';

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

export function toUpload(row: UploadRecord): Upload {
  const m = row.mapping;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    filename: row.filename,
    status: row.status,
    statusReason: row.status_reason,
    sizeBytes: String(row.size_bytes),
    sha256: row.sha256 ?? null,
    storageBackend: row.storage_backend,
    rowCount: row.row_count,
    columns: row.columns,
    mapping: m ? { planId: m.plan_id, planVersion: m.plan_version, columns: m.columns, presetId: m.preset_id } : null,
    planId: row.plan_id,
    problemCount: row.problem_count,
    readyForRun: row.status === 'parsed' && m !== null && row.problem_count === 0,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    parsedAt: row.parsed_at ? iso(row.parsed_at) : null,
  };
}

export const toPreset = (row: MappingPresetRow): MappingPreset => ({
  id: row.id,
  name: row.name,
  planFamilyId: row.plan_family_id,
  columns: row.columns,
  createdBy: row.created_by,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

export const toProblem = (row: UploadProblemRow): Problem => ({
  rowNo: row.row_no,
  column: row.column_name,
  target: row.target,
  value: row.value,
  code: row.code,
  message: row.message,
  hint: row.hint,
});
