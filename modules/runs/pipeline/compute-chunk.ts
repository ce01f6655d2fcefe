import { createHash } from 'node:crypto';
import { allocatePool, compilePlan, evaluateBatch, PlanDefinition, type CompiledPlan, type PlanDefinitionInput } from '../../engine/index';
import { sumDecimals } from '../../core/decimal';
import type { CompactTape, TapeLayout } from '../tables';

/**
 * The pure part of the runs pipeline (no I/O): evaluate one chunk of an upload's rows with the
 * tape, and allocate a pool over a run's payouts. Runs in a pipeline worker thread
 * (pipeline-worker.ts), one per core; the job (run-job.ts) reads and writes around it.
 */

/** One upload row as the pipeline reads it. */
export interface PipelineRow {
  row_no: number;
  employee_id: string;
  inputs: Record<string, string>;
}

export interface ChunkTask {
  kind: 'chunk';
  /** Cache key of the compiled plan in the worker (the run id and plan version). */
  key: string;
  plan: PlanDefinitionInput;
  payoutOutput: string;
  rows: PipelineRow[];
}

export interface PoolTask {
  kind: 'pool';
  /** Payouts of the rows that succeeded, in row order. */
  rows: { id: string; amount: string }[];
  pool: string;
}

export type PipelineTask = ChunkTask | PoolTask;

export interface ChunkOutcome {
  kind: 'chunk';
  /** The chunk's results as one JSON array for `jsonb_to_recordset` (serialised off the job's event loop). */
  json: string;
  okCount: number;
  failedCount: number;
  /** Exact sum of the payouts of the rows that succeeded. */
  totalPayout: string;
  /** SHA-256 of each 1,000-row group of the chunk's inputs (row_no, employee id, inputs with sorted keys). */
  inputHashes: string;
}

export interface PoolOutcome {
  kind: 'pool';
  shares: string[];
}

export type PipelineOutcome = ChunkOutcome | PoolOutcome;

/** One stored result, as written into runs.run_results. */
export interface ResultRecord {
  row_no: number;
  employee_id: string;
  ok: boolean;
  outputs: Record<string, string>;
  error: { step: string | null; message: string } | null;
  tape: CompactTape | null;
}

/** JSON of a value with object keys sorted at every level: the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Rows per leaf of the snapshot hash; chunk sizes are multiples of it, so leaves never depend on chunking. */
export const HASH_GROUP_ROWS = 1_000;

/** SHA-256 of each group of HASH_GROUP_ROWS input rows (one line each), concatenated hex (ADR 0016). */
export function hashRowGroups(rows: readonly PipelineRow[]): string {
  let out = '';
  for (let g = 0; g < rows.length; g += HASH_GROUP_ROWS) {
    const h = createHash('sha256');
    for (const r of rows.slice(g, g + HASH_GROUP_ROWS)) h.update(`${r.row_no}\t${r.employee_id}\t${canonicalJson(r.inputs)}\n`);
    out += h.digest('hex');
  }
  return out;
}

/** The order of a plan's tape: inputs as declared, steps in evaluation (dependency) order. */
export function tapeLayout(plan: PlanDefinitionInput, compiled: CompiledPlan = compilePlan(PlanDefinition.parse(plan))): TapeLayout {
  const described = new Map(PlanDefinition.parse(plan).steps.map((s) => [s.key, s.description ?? '']));
  return {
    inputs: compiled.inputs.map((i) => i.name),
    steps: compiled.steps.map((s) => ({ key: s.key, output: s.output, description: described.get(s.key) ?? '', conditional: s.condition !== null })),
  };
}

/** Evaluate one chunk: results with compact tapes, counts, payout total and input hash. */
export function computeChunk(compiled: CompiledPlan, task: ChunkTask): ChunkOutcome {
  const evaluated = evaluateBatch(compiled, task.rows.map((r) => r.inputs), { tape: true });
  const names = compiled.inputs.map((i) => i.name);
  const payouts: string[] = [];
  const records: ResultRecord[] = evaluated.map((res, i) => {
    const row = task.rows[i] as PipelineRow;
    if (!res.ok) return { row_no: row.row_no, employee_id: row.employee_id, ok: false, outputs: {}, error: res.error, tape: null };
    payouts.push(res.outputs[task.payoutOutput] ?? '0');
    const tape: CompactTape | null = res.tape
      ? [names.map((n) => res.tape!.inputs[n] ?? ''), res.tape.steps.map((s) => (s.condition === null ? '-' : s.condition ? 'T' : 'F')).join('')]
      : null;
    return { row_no: row.row_no, employee_id: row.employee_id, ok: true, outputs: res.outputs, error: null, tape };
  });
  return {
    kind: 'chunk',
    json: JSON.stringify(records),
    okCount: payouts.length,
    failedCount: records.length - payouts.length,
    totalPayout: sumDecimals(payouts),
    inputHashes: hashRowGroups(task.rows),
  };
}

/** Allocate the pool over the payouts (the engine's rule: floor to cents, largest remainders). */
export function computePool(task: PoolTask): PoolOutcome {
  return { kind: 'pool', shares: allocatePool(task.rows, task.pool).map((s) => s.amount) };
}
