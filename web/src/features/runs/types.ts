// Wire types of the uploads (modules/storage) and runs pipeline (modules/runs) APIs.
// TEMPORARY until those branches are merged: then these become type-only re-exports of their schema.ts.
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

export interface Upload {
  id: number;
  filename: string;
  status: string;
  statusReason: string | null;
  sizeBytes: string;
  sha256: string | null;
  rowCount: number;
  columns: string[] | null;
  mapping: { planId: string; planVersion: number; columns: Record<string, string | null>; presetId: string | null } | null;
  planId: string | null;
  problemCount: number | null;
  readyForRun: boolean;
  createdBy: string;
  createdAt: string;
}

export interface ColumnSuggestion {
  column: string;
  target: string | null;
  confidence: number;
  reason: string;
  sample: string[];
}

export interface MappingSuggestions {
  planId: string;
  planVersion: number;
  presetId: string | null;
  columns: ColumnSuggestion[];
  targets: { key: string; kind: string; required: boolean }[];
  unmappedTargets: string[];
}

export interface UploadProblem {
  rowNo: number;
  column: string | null;
  target: string | null;
  value: string | null;
  code: string;
  message: string;
  hint: string;
}

export interface Preview {
  uploadId: number;
  rows: { rowNo: number; employeeId: string; name: string; department: string; inputs: Record<string, string>; problems: UploadProblem[] }[];
  problemCount: number;
}

export interface PlanSummary {
  id: string;
  name: string;
  version: number;
  status: 'draft' | 'locked';
}
