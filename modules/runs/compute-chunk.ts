import { evaluateBatch, type PlanDefinitionInput } from '../engine/index';
import { copyValue } from '../core/copy';
import { sumDecimals } from '../core/decimal';
import { compiledFor, PAYOUT_OUTPUT, POOL_OUTPUT } from './compute';
import type { BandRow } from './tables';

/**
 * The pure part of a stored run, one chunk of upload rows at a time (ADR 0022): evaluate the
 * rows and render their `runs.run_results` lines in COPY text format, so the caller streams
 * them to Postgres without building result objects or JSON itself. Runs in a compute worker
 * (compute-pool.ts) or inline for small runs.
 */

/** One chunk of a run: plain data, cloned into a worker thread. */
export interface ChunkTask {
  kind: 'chunk';
  plan: PlanDefinitionInput;
  bands: BandRow[];
  runId: number;
  tenantId: string;
  /** The rows, as three parallel arrays: line in the file, employee id, inputs (jsonb text). */
  rowNos: number[];
  employeeIds: string[];
  inputs: string[];
  /**
   * A pool follows (it needs every row's payout): ok rows come back as `heads` (their line up to
   * the pool share, see poolTail) with their payouts, instead of finished `text`.
   */
  pooled: boolean;
}

export interface ChunkOutcome {
  /** Finished COPY lines (every row when not pooled; only the failed rows when pooled). */
  text: string;
  /** Pooled: per ok row, its line up to the pool share, in row order. */
  heads: string[];
  /** Pooled: per ok row, employee id and payout (the pool's input), in row order. */
  payouts: { id: string; amount: string }[];
  /** Exact sum of the ok rows' payouts. */
  totalBonus: string;
  failed: number;
}

/** The end of a pooled ok row's line: its pool share, then the empty error column. */
export const poolTail = (share: string): string => `"${POOL_OUTPUT}":"${copyValue(share)}"}\t\\N\n`;

/** Evaluate one chunk and render its result lines (legacy's rule: a failed row has no payout). */
export function computeChunk(task: ChunkTask): ChunkOutcome {
  const plan = compiledFor(task.plan, task.bands); // a worker evaluates one run's chunks in turn: compiled once
  const rows = task.inputs.map((text, i) => ({ ...(JSON.parse(text) as Record<string, string>), employee_id: task.employeeIds[i] as string }));
  const results = evaluateBatch(plan, rows, { tape: false });
  const prefix = `${task.runId}\t${task.tenantId}\t`;
  let text = '';
  const heads: string[] = [];
  const payouts: { id: string; amount: string }[] = [];
  let failed = 0;
  results.forEach((r, i) => {
    const start = `${prefix}${task.rowNos[i]}\t${copyValue(task.employeeIds[i] as string)}\t`;
    if (!r.ok) {
      failed++;
      const error = { message: r.error.message, ...(r.error.step === null ? {} : { step: r.error.step }) };
      text += `${start}f\t{}\t${copyValue(JSON.stringify(error))}\n`;
      return;
    }
    const json = JSON.stringify(r.outputs);
    payouts.push({ id: task.employeeIds[i] as string, amount: r.outputs[PAYOUT_OUTPUT] ?? '0' });
    if (task.pooled) heads.push(`${start}t\t${copyValue(json.slice(0, -1))}${json === '{}' ? '' : ','}`);
    else text += `${start}t\t${copyValue(json)}\t\\N\n`;
  });
  return { text, heads, payouts: task.pooled ? payouts : [], totalBonus: sumDecimals(payouts.map((p) => p.amount)), failed };
}
