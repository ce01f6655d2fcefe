import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Json<T = unknown> = ColumnType<T, string, string>;

/** parity.reports (migrations/0030). */
export interface ParityReportTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  source: Json;
  plan_ref: Json;
  status: 'running' | 'done' | 'failed';
  error: string | null;
  employees: Generated<number>;
  matched: Generated<number>;
  mismatched: Generated<number>;
  within_tolerance: Generated<number>;
  max_abs_diff: Generated<string>;
  by_output: ColumnType<unknown, string | undefined, string>;
  batches: ColumnType<unknown, string | undefined, string>;
  gate_a: ColumnType<unknown, string | null | undefined, string | null>;
  duration_ms: number | null;
  created_by: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  signed_off_by: string | null;
  signed_off_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sign_off_note: string | null;
}
export type ParityReportRow = Selectable<ParityReportTable>;

/** parity.mismatches (migrations/0030). */
export interface ParityMismatchTable {
  id: Generated<string>;
  tenant_id: string;
  report_id: string;
  employee_id: string;
  batch_id: string | null;
  output: string;
  legacy_value: string | null;
  new_value: string | null;
  abs_diff: string | null;
  within_tolerance: boolean;
  first_diff_step: string | null;
  legacy_tape: Json;
  new_tape: Json;
}
export type ParityMismatchRow = Selectable<ParityMismatchTable>;
export type NewParityMismatch = Insertable<ParityMismatchTable>;

/** parity.report_chunks (migrations/0098): the chunks of a report's run, each written once. */
export interface ParityReportChunkTable {
  tenant_id: string;
  report_id: string;
  chunk_no: number;
  spec: Json;
  employees: number;
  done: Generated<boolean>;
  tries: Generated<number>;
  summary: ColumnType<unknown, string | null | undefined, string | null>;
  done_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type ParityReportChunkRow = Selectable<ParityReportChunkTable>;

declare module '../core/database' {
  interface Database {
    'parity.reports': ParityReportTable;
    'parity.mismatches': ParityMismatchTable;
    'parity.report_chunks': ParityReportChunkTable;
  }
}
