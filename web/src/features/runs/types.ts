import type { z } from 'zod';
import type { ColumnSuggestion as ColumnSuggestionSchema, Preview as PreviewSchema } from '../../../../modules/storage/schema';
import type { RunFailure as RunFailureSchema, RunState } from '../../../../modules/runs/schema';

// Runs: modules/runs' own schemas (type-only).
export type { RunState, RunView } from '../../../../modules/runs/schema';
export type RunFailure = z.infer<typeof RunFailureSchema>;

// Not (yet) in the runs schemas: the SSE progress event (modules/runs/pipeline/progress.ts) and a result row.
export interface RunProgress {
  runId: number;
  status: RunState;
  rowsDone: number;
  rowsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  failed: number;
}


export interface RunResult {
  rowNo: number;
  employeeId: string;
  name: string;
  department: string;
  ok: boolean;
  payout: string | null;
  poolShare: string | null;
  outputs: Record<string, string>;
  error: { message: string; step?: string | null } | null;
}


// Uploads, mapping and validation: modules/storage's own schemas (type-only).
export type { Upload, MappingSuggestions, Problem as UploadProblem } from '../../../../modules/storage/schema';
export type ColumnSuggestion = z.infer<typeof ColumnSuggestionSchema>;
export type Preview = z.infer<typeof PreviewSchema>;

export interface PlanSummary {
  id: string;
  name: string;
  version: number;
  status: 'draft' | 'locked';
}
