import { allocatePool } from '../../engine/index';
import type { Trx } from '../../core/db';
import { compareDecimals, sumDecimals } from '../../core/decimal';
import type { ChunkComputer } from '../compute-pool';
import { poolTail, type ChunkOutcome } from '../compute-chunk';
import type { PlanDefinitionInput } from '../../engine/index';
import * as repo from '../repo';
import type { BandRow } from '../tables';

/** Upload rows per chunk: one read, one worker task and one COPY each. */
export const RUN_CHUNK_ROWS = 4_000;

export interface ResultsInput {
  runId: number;
  tenantId: string;
  uploadId: number;
  plan: PlanDefinitionInput;
  bands: BandRow[];
  poolAmount: string | null;
}

export interface ResultsSummary {
  employeeCount: number;
  failed: number;
  totalBonus: string;
  totalPoolBonus: string | null;
  poolApplied: boolean;
}

/**
 * Compute a run's results and store them, as a pipeline over chunks of the upload (ADR 0022):
 * keyset reads of RUN_CHUNK_ROWS rows, each chunk evaluated by the compute workers while the
 * next ones are read, each chunk's result lines written with COPY as soon as it is done, in
 * row order. Memory holds the chunks in flight, never the whole upload or all its results —
 * except with a pool, whose shares need every payout: then the ok rows' lines (text) wait for
 * the allocation and are written after it.
 */
export async function computeResults(trx: Trx, computer: ChunkComputer, input: ResultsInput): Promise<ResultsSummary> {
  const pooled = input.poolAmount !== null;
  const inFlight: Promise<ChunkOutcome>[] = [];
  const totals: string[] = [];
  const waiting: { heads: string[]; payouts: { id: string; amount: string }[] }[] = [];
  let after = 0;
  let more = true;
  let employeeCount = 0;
  let failed = 0;
  const readNext = async () => {
    const rows = await repo.listUploadRowChunk(trx, input.uploadId, after, RUN_CHUNK_ROWS);
    more = rows.length === RUN_CHUNK_ROWS;
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.row_no;
    employeeCount += rows.length;
    const task = {
      kind: 'chunk' as const,
      plan: input.plan,
      bands: input.bands,
      runId: input.runId,
      tenantId: input.tenantId,
      rowNos: rows.map((r) => r.row_no),
      employeeIds: rows.map((r) => r.employee_id),
      inputs: rows.map((r) => r.inputs),
      pooled,
    };
    const outcome = computer.run(task);
    outcome.catch(() => undefined); // awaited in order below; a later chunk's failure must not go unhandled meanwhile
    inFlight.push(outcome);
  };
  try {
    while (more || inFlight.length > 0) {
      while (more && inFlight.length < computer.parallel) await readNext();
      const done = inFlight.shift();
      if (done === undefined) break;
      const chunk = await done;
      totals.push(chunk.totalBonus);
      failed += chunk.failed;
      await repo.copyRunResults(trx, chunk.text);
      if (pooled) waiting.push({ heads: chunk.heads, payouts: chunk.payouts });
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
  const totalBonus = sumDecimals(totals);
  let totalPoolBonus: string | null = null;
  if (input.poolAmount !== null) totalPoolBonus = await writePooled(trx, waiting, input.poolAmount);
  return {
    employeeCount,
    failed,
    totalBonus,
    totalPoolBonus,
    poolApplied: input.poolAmount !== null && compareDecimals(totalBonus, input.poolAmount) > 0,
  };
}

/** Allocate the pool over every ok row's payout (legacy's rule, in row order), then write those rows with their shares. */
async function writePooled(trx: Trx, waiting: { heads: string[]; payouts: { id: string; amount: string }[] }[], poolAmount: string): Promise<string> {
  const shares = allocatePool(
    waiting.flatMap((w) => w.payouts),
    poolAmount,
  );
  let k = 0;
  for (const w of waiting.splice(0)) {
    let text = '';
    for (const head of w.heads) text += head + poolTail(shares[k++]!.amount);
    await repo.copyRunResults(trx, text);
  }
  return sumDecimals(shares.map((s) => s.amount));
}
