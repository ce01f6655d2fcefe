import { z } from 'zod';
import { PageQuery } from '../core/pagination';

/**
 * Wire schemas of the uploads API (docs/storage.md), shared by the gateway routes (zod type
 * provider) and the SPA. Decimals travel as strings.
 */

const Uuid = z.uuid();

export const TenantParams = z.object({ tid: Uuid });
export const UploadParams = z.object({ tid: Uuid, id: z.coerce.number().int().positive() });
export const PresetParams = z.object({ tid: Uuid, id: Uuid });

export const UploadStatus = z.enum(['uploading', 'uploaded', 'scanning', 'parsing', 'parsed', 'invalid', 'quarantined', 'received', 'validating', 'ready', 'rejected']);

/** header → target (plan input name, employee_id, name, department) or null (ignored). */
export const ColumnMap = z.record(z.string().min(1).max(300), z.string().min(1).max(64).nullable());
export type ColumnMap = z.infer<typeof ColumnMap>;

export const UploadMapping = z.object({
  planId: Uuid,
  planVersion: z.number().int(),
  columns: ColumnMap,
  presetId: Uuid.nullable(),
});

export const Upload = z.object({
  id: z.number().int(),
  tenantId: Uuid,
  filename: z.string(),
  status: UploadStatus,
  statusReason: z.string().nullable(),
  sizeBytes: z.string(),
  sha256: z.string().nullable(),
  storageBackend: z.enum(['local', 's3']).nullable(),
  rowCount: z.number().int(),
  columns: z.array(z.string()).nullable(),
  mapping: UploadMapping.nullable(),
  planId: Uuid.nullable(),
  problemCount: z.number().int().nullable(),
  /** A run may use it: parsed, mapped, no problems (docs/storage.md, contract). */
  readyForRun: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  parsedAt: z.string().nullable(),
});
export type Upload = z.infer<typeof Upload>;

export const UploadListQuery = PageQuery.extend({ status: UploadStatus.optional() });
export const UploadList = z.object({ data: z.array(Upload), total: z.number().int(), hasMore: z.boolean(), nextCursor: z.string().nullable() });

export const SuggestQuery = z.object({ plan_id: Uuid });
export const ColumnSuggestion = z.object({
  column: z.string(),
  target: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  sample: z.array(z.string()),
});
export const MappingSuggestions = z.object({
  planId: Uuid,
  planVersion: z.number().int(),
  presetId: Uuid.nullable(),
  columns: z.array(ColumnSuggestion),
  targets: z.array(z.object({ key: z.string(), kind: z.string(), required: z.boolean() })),
  unmappedTargets: z.array(z.string()),
});
export type MappingSuggestions = z.infer<typeof MappingSuggestions>;

export const SaveMappingBody = z.object({
  planId: Uuid,
  columns: ColumnMap,
  presetId: Uuid.nullish(),
  /** Also save this mapping as a preset with this name. */
  savePreset: z.object({ name: z.string().trim().min(1).max(200) }).optional(),
});
export type SaveMappingBody = z.infer<typeof SaveMappingBody>;

export const PreviewQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(100) });
export const Problem = z.object({
  rowNo: z.number().int(),
  column: z.string().nullable(),
  target: z.string().nullable(),
  value: z.string().nullable(),
  code: z.enum(['missing_required', 'not_a_number', 'out_of_range', 'duplicate_employee_id', 'missing_employee_id', 'unmapped_input']),
  message: z.string(),
  hint: z.string(),
});
export type Problem = z.infer<typeof Problem>;
export const PreviewRow = z.object({
  rowNo: z.number().int(),
  employeeId: z.string(),
  name: z.string(),
  department: z.string(),
  inputs: z.record(z.string(), z.string()),
  problems: z.array(Problem),
});
export const Preview = z.object({ uploadId: z.number().int(), mapping: UploadMapping, rows: z.array(PreviewRow), problemCount: z.number().int() });

export const ProblemList = z.object({ data: z.array(Problem), total: z.number().int(), hasMore: z.boolean(), nextCursor: z.string().nullable() });

export const MappingPreset = z.object({
  id: Uuid,
  name: z.string(),
  planFamilyId: Uuid.nullable(),
  columns: ColumnMap,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MappingPreset = z.infer<typeof MappingPreset>;
export const MappingPresetList = z.object({ data: z.array(MappingPreset) });
export const CreatePresetBody = z.object({ name: z.string().trim().min(1).max(200), planFamilyId: Uuid.nullish(), columns: ColumnMap });
export const PatchPresetBody = z.object({ name: z.string().trim().min(1).max(200).optional(), columns: ColumnMap.optional() });

export const DownloadQuery = z.object({ expires: z.coerce.number().int(), sig: z.string().max(200) });
export const DownloadLink = z.object({ url: z.string(), expiresAt: z.string(), backend: z.enum(['local', 's3']) });
