import type { ColumnType, Generated, Selectable } from 'kysely';

type Json<T = unknown> = ColumnType<T, string, string>;

/** shadow.samples (migrations/0035): one row per shadowed (or skipped) request. */
export interface ShadowSampleTable {
  id: Generated<string>;
  route_key: string;
  at: ColumnType<Date, Date | undefined, never>;
  primary_side: 'legacy' | 'new';
  outcome: SampleOutcome;
  skip_reason: string | null;
  legacy_status: number | null;
  new_status: number | null;
  legacy_ms: number | null;
  new_ms: number | null;
  failing: ColumnType<number, number | undefined, number>;
  money_failing: ColumnType<number, number | undefined, number>;
  max_money_diff: ColumnType<string, string | undefined, string>;
  diff_paths: ColumnType<string[], string[] | undefined, string[]>;
  request_id: string | null;
}

/** shadow.mismatches: the corpus (redacted request, both responses, the diff). */
export interface ShadowMismatchTable {
  id: Generated<string>;
  sample_id: string | null;
  route_key: string;
  at: ColumnType<Date, Date | undefined, never>;
  request: Json;
  legacy: Json;
  candidate: Json;
  diff: Json;
}

/** shadow.noise_paths: JSON paths that differ legacy-vs-legacy for a route. */
export interface ShadowNoisePathTable {
  route_key: string;
  path: string;
  seen: ColumnType<number, number | undefined, number>;
  first_seen: ColumnType<Date, Date | undefined, never>;
  last_seen: ColumnType<Date, Date | undefined, Date>;
}

/** shadow.external_id_mappings: legacy id ↔ new id of dual-written entities. */
export interface ExternalIdMappingTable {
  entity: string;
  legacy_id: string;
  new_id: string;
  route_key: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** shadow.reconciliation_issues: drift between the two sides of a dual-write route. */
export interface ReconciliationIssueTable {
  id: Generated<string>;
  route_key: string;
  entity: string;
  legacy_id: string | null;
  new_id: string | null;
  kind: string;
  detail: ColumnType<unknown, string | undefined, string>;
  status: ColumnType<'open' | 'resolved' | 'failed', 'open' | undefined, 'open' | 'resolved' | 'failed'>;
  resolution: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  resolved_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type SampleOutcome = 'match' | 'mismatch' | 'noise' | 'skipped' | 'error';
export type ShadowSampleRow = Selectable<ShadowSampleTable>;
export type ShadowMismatchRow = Selectable<ShadowMismatchTable>;
export type ReconciliationIssueRow = Selectable<ReconciliationIssueTable>;

declare module '../../modules/core/database' {
  interface Database {
    'shadow.samples': ShadowSampleTable;
    'shadow.mismatches': ShadowMismatchTable;
    'shadow.noise_paths': ShadowNoisePathTable;
    'shadow.external_id_mappings': ExternalIdMappingTable;
    'shadow.reconciliation_issues': ReconciliationIssueTable;
  }
}
