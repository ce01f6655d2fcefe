import type { z } from 'zod';
import type { ColumnSuggestion as ColumnSuggestionSchema, Preview as PreviewSchema } from '../../../../modules/storage/schema';

// Wire types of the runs pipeline (modules/runs) API.
// TEMPORARY until the pipeline branch is merged: then these become type-only re-exports of its schema.
export type RunState = 'queued' | 'running' | 'completed' | 'failed' | 'in_review' | 'finalized';

export interface RunView {
  id: number;
  name: string | null;
  status: RunState;
  planId: string | null;
  planVersion: number | null;
  uploadId: number;
  payoutOutput: string | null;
  pool: string | null;
  progress: { rowsDone: number; rowsTotal: number; chunksDone: number; chunksTotal: number; percent: number };
  totals: { employees: number; succeeded: number; failed: number; totalPayout: string | null; totalPool: string | null; poolApplied: boolean };
  snapshotHash: string | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  finalizedAt: string | null;
  finalizedBy: string | null;
}

export interface RunProgress {
  runId: number;
  status: RunState;
  rowsDone: number;
  rowsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  failed: number;
}

export interface RunFailure {
  rowNo: number;
  employeeId: string;
  step: string | null;
  message: string;
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
