import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A tenant's saved header → target map (migration 0080). */
export interface MappingPresetTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  plan_family_id: string | null;
  columns: ColumnType<Record<string, string | null>, string, string>;
  /** Normalised, sorted headers joined by `|`: an upload with the same headers reuses the preset. */
  headers_key: string;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ProblemCode =
  | 'missing_required'
  | 'not_a_number'
  | 'out_of_range'
  | 'duplicate_employee_id'
  | 'missing_employee_id'
  | 'unmapped_input';

/** One line of an upload's validation report (rebuilt whenever the mapping is saved). */
export interface UploadProblemTable {
  upload_id: number;
  tenant_id: string;
  seq: number;
  row_no: number;
  column_name: string | null;
  target: string | null;
  value: string | null;
  code: ProblemCode;
  message: string;
  hint: string;
}

export type MappingPresetRow = Selectable<MappingPresetTable>;
export type UploadProblemRow = Selectable<UploadProblemTable>;

declare module '../core/database' {
  interface Database {
    'storage.mapping_presets': MappingPresetTable;
    'storage.upload_problems': UploadProblemTable;
  }
}
