import { createHash } from 'node:crypto';
import {
  allocatePool,
  compilePlan,
  evaluateBatch,
  PlanDefinition,
  type CompiledPlan,
  type PlanDefinitionInput,
} from '../../engine/index';
import { mapFields, type RowMapping } from '../../core/cell-number';
import { copyValue } from '../../core/copy';
import { sumDecimals } from '../../core/decimal';
import type { CompactTape, TapeLayout } from '../tables';

/**
 * The pure part of the runs pipeline (no I/O): evaluate one chunk of an upload's rows with the
 * tape, and allocate a pool over a run's payouts. Runs in a pipeline worker thread
 * (pipeline-worker.ts), one per core; the job (run-job.ts) reads and writes around it.
 */

/** One upload row as evaluated: its employee id and plan inputs (canonical decimal text). */
export interface PipelineRow {
  row_no: number;
  employee_id: string;
  inputs: Record<string, string>;
}

/**
 * One upload row as read (repo.readRows), decoded in the thread: `fields` is the JSON text of its
 * cells by header (a stored upload: mapped by the task's mapping), `inputs` that of its stored
 * inputs (a legacy upload, stored mapped; `employee_id` is then the row's).
 */
export interface RawPipelineRow {
  row_no: number;
  employee_id: string;
  fields: string | null;
  inputs: string;
}

/** Rows as evaluated: mapped from their cells (ADR 0029) when the upload has a mapping and the row cells, else as stored. */
export function decodeRows(rows: readonly RawPipelineRow[], mapping: RowMapping | null): PipelineRow[] {
  return rows.map((r) => {
    if (mapping === null || r.fields === null)
      return { row_no: r.row_no, employee_id: r.employee_id, inputs: JSON.parse(r.inputs) as Record<string, string> };
    const m = mapFields(JSON.parse(r.fields) as Record<string, string>, mapping);
    return { row_no: r.row_no, employee_id: m.employee_id, inputs: m.inputs };
  });
}

export interface ChunkTask {
  kind: 'chunk';
  /** The run and tenant the result lines are for (they are COPYed as rows of runs.run_results). */
  runId: number;
  tenantId: string;
  /** Cache key of the compiled plan in the worker (the run id and plan version). */
  key: string;
  plan: PlanDefinitionInput;
  payoutOutput: string;
  /** The upload's saved mapping (null: a legacy upload, rows stored mapped). */
  mapping: RowMapping | null;
  rows: RawPipelineRow[];
}

export interface PoolTask {
  kind: 'pool';
  /** Payouts of the rows that succeeded, in row order. */
  rows: { id: string; amount: string }[];
  pool: string;
}

/** Start-up of a thread (thread-pool.ts): check in on the shared counter, wait until `threads` have. */
export interface WarmTask {
  kind: 'warm';
  counter: Int32Array;
  threads: number;
  timeoutMs: number;
}

export type PipelineTask = ChunkTask | PoolTask | WarmTask;

export interface ChunkOutcome {
  kind: 'chunk';
  /** The chunk's results as runs.run_results lines in COPY text format (RESULT_COLUMNS; rendered off the job's event loop). */
  lines: string;
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

export type PipelineOutcome = ChunkOutcome | PoolOutcome | { kind: 'warm' };

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
    for (const r of rows.slice(g, g + HASH_GROUP_ROWS))
      h.update(`${r.row_no}\t${r.employee_id}\t${canonicalJson(r.inputs)}\n`);
    out += h.digest('hex');
  }
  return out;
}

/** The order of a plan's tape: inputs as declared, steps in evaluation (dependency) order. */
export function tapeLayout(
  plan: PlanDefinitionInput,
  compiled: CompiledPlan = compilePlan(PlanDefinition.parse(plan)),
): TapeLayout {
  const described = new Map(PlanDefinition.parse(plan).steps.map((s) => [s.key, s.description ?? '']));
  return {
    inputs: compiled.inputs.map((i) => i.name),
    steps: compiled.steps.map((s) => ({
      key: s.key,
      output: s.output,
      description: described.get(s.key) ?? '',
      conditional: s.condition !== null,
    })),
  };
}

/** The columns of the COPY lines a chunk comes back as, in order. */
export const RESULT_COLUMNS = [
  'run_id',
  'tenant_id',
  'row_no',
  'employee_id',
  'ok',
  'outputs',
  'error',
  'tape',
] as const;

/** Evaluate one chunk: its results as COPY lines (with compact tapes), counts, payout total and input hash. */
export function computeChunk(compiled: CompiledPlan, task: ChunkTask): ChunkOutcome {
  const rows = decodeRows(task.rows, task.mapping);
  const evaluated = evaluateBatch(
    compiled,
    rows.map((r) => r.inputs),
    { tape: true },
  );
  const names = compiled.inputs.map((i) => i.name);
  const head = `${task.runId}\t${task.tenantId}\t`;
  const payouts: string[] = [];
  const lines: string[] = [];
  evaluated.forEach((res, i) => {
    const row = rows[i] as PipelineRow;
    const id = copyValue(row.employee_id);
    if (!res.ok) {
      lines.push(`${head}${row.row_no}\t${id}\tf\t{}\t${copyValue(JSON.stringify(res.error))}\t\\N\n`);
      return;
    }
    payouts.push(res.outputs[task.payoutOutput] ?? '0');
    const tape: CompactTape | null = res.tape
      ? [
          names.map((n) => res.tape!.inputs[n] ?? ''),
          res.tape.steps.map((s) => (s.condition === null ? '-' : s.condition ? 'T' : 'F')).join(''),
        ]
      : null;
    lines.push(
      `${head}${row.row_no}\t${id}\tt\t${copyValue(JSON.stringify(res.outputs))}\t\\N\t${copyValue(tape === null ? null : JSON.stringify(tape))}\n`,
    );
  });
  return {
    kind: 'chunk',
    lines: lines.join(''),
    okCount: payouts.length,
    failedCount: lines.length - payouts.length,
    totalPayout: sumDecimals(payouts),
    inputHashes: hashRowGroups(rows),
  };
}

/** Allocate the pool over the payouts (the engine's rule: floor to cents, largest remainders). */
export function computePool(task: PoolTask): PoolOutcome {
  return { kind: 'pool', shares: allocatePool(task.rows, task.pool).map((s) => s.amount) };
}
