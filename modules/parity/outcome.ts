import type { PlanDefinitionInput } from '../engine/index';
import type { ReportSource } from './schema';

/**
 * What a parity run produces, as this module stores and serves it. The run itself (legacy client,
 * new engine, diff) is the comparing machinery in legacy-shadow/parity, handed to this module as
 * a ParityRunner by the composition root.
 */

/** A tape as stored with a mismatch: inputs, each plan step's value in plan order, and the pool result. */
export interface ParityTape {
  inputs: Record<string, string>;
  steps: { key: string; output: string; value: string | null }[];
  pool_bonus?: string | null;
  error?: { step: string | null; message: string };
}

/** One differing (employee, output). */
export interface MismatchRecord {
  employeeId: string;
  batchId: string;
  output: string;
  legacyValue: string | null;
  newValue: string | null;
  /** null when a side has no value (engine error, missing legacy result). */
  absDiff: string | null;
  withinTolerance: boolean;
  firstDiffStep: string | null;
  legacyTape: ParityTape;
  newTape: ParityTape;
}

export interface OutputStats {
  compared: number;
  mismatched: number;
  overTolerance: number;
  maxAbsDiff: string;
}

/** What one segment (a batch, the generated rows, the canonical cases) adds up to. */
export interface GateCheck {
  name: 'historical_sample' | 'within_tolerance' | 'canonical_half_even';
  passed: boolean;
  detail: string;
  evidence: Record<string, unknown>;
}
export interface GateResult {
  passed: boolean;
  checks: GateCheck[];
}

export interface BatchSummary {
  batchId: string;
  kind: 'historical' | 'generated' | 'rows' | 'canonical';
  employees: number;
  mismatched: number;
  bandVersion: number | null;
  poolAmount: string | null;
}

/** Everything a parity run found; the service stores it as a report. */
export interface ParityOutcome {
  planRef: { name: string; hash: string; catalogVersion: number };
  employees: number;
  matched: number;
  mismatched: number;
  withinTolerance: number;
  maxAbsDiff: string;
  byOutput: Record<string, OutputStats>;
  batches: BatchSummary[];
  gateA: GateResult;
  mismatches: MismatchRecord[];
  durationMs: number;
}

/**
 * One chunk of a stored run (ADR 0033), planned once and kept with the report so a resumed run
 * computes exactly the same chunks: a historical batch, a slice of generated or given rows (with
 * the band table resolved at planning), or the 10 canonical cases.
 */
export type ParityChunkSpec =
  | { kind: 'historical'; batchId: string; legacyBatchId: number; employees: number }
  | {
      kind: 'generated' | 'rows';
      batchId: string;
      from: number;
      to: number;
      employees: number;
      bands: { min_revenue: string; multiplier: string }[];
      bandVersion: number | null;
      poolAmount: string | null;
    }
  | { kind: 'canonical'; batchId: string; employees: number };

/** What the runner is given besides the source. */
export interface RunnerOptions {
  legacyUrl: string;
  legacyPython: string;
  plan?: PlanDefinitionInput;
  planName?: string;
  /** Rows per generated or given chunk (one POST /api/v1/calculate each). */
  chunkSize?: number;
  signal?: AbortSignal;
}

/** The comparing machinery as the reports module uses it (legacy-shadow/parity implements it). */
export interface ParityRunner {
  /** Replay a source through both engines and diff it, in memory. */
  run(source: ReportSource, opts: RunnerOptions): Promise<ParityOutcome>;
  /** Split a source into chunks (asks legacy for batch sizes and the current band table). */
  planChunks(source: ReportSource, opts: RunnerOptions): Promise<ParityChunkSpec[]>;
  /** Compute chunks of a source; `summary` is stored as is and handed back to `summarize`. */
  session(
    source: ReportSource,
    opts: RunnerOptions,
  ): { compute(spec: ParityChunkSpec): Promise<{ summary: unknown; mismatches: MismatchRecord[] }> };
  /** The report of a run from its chunks' summaries, in chunk order. */
  summarize(summaries: unknown[], opts: Pick<RunnerOptions, 'plan' | 'planName'>): Omit<ParityOutcome, 'mismatches' | 'durationMs'>;
  /** How many employees a source will replay (asks legacy for historical batch sizes). */
  sourceSize(legacyUrl: string, source: ReportSource): Promise<number>;
  /** The plan reports run by default: its name, hash and catalog version. */
  defaultPlanRef(): { name: string; hash: string; catalogVersion: number };
}
