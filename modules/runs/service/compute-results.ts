import { allocatePool } from '../../engine/index';
import type { Trx } from '../../core/db';
import { compareDecimals, sumDecimals } from '../../core/decimal';
import type { ChunkComputer } from '../compute-pool';
import { poolTail, type ChunkOutcome } from '../compute-chunk';
import type { PlanDefinitionInput } from '../../engine/index';
import * as repo from '../repo';
import type { BandRow } from '../tables';
import { compiledFor } from '../compute';

/** Upload rows per chunk: one read, one worker task and one COPY each. */
export const RUN_CHUNK_ROWS = 4_000;

export interface ResultsInput {
  runId: number;
  tenantId: string;
  uploadId: number;
  plan: PlanDefinitionInput;
  bands: BandRow[];
  poolAmount: string | null;
  /**
   * Reads the upload's rows `from < row_no <= to` as COPY text (repo.copyUploadRowRange), best in a short
   * transaction of its own so reads overlap the run's writes; default: on the run's transaction.
   */
  readRows?: (from: number, to: number, inputs: readonly string[]) => Promise<Uint8Array>;
}

const EMPTY: ChunkOutcome = { count: 0, text: '', heads: [], payouts: [], totalBonus: '0', failed: 0 };

export interface ResultsSummary {
  employeeCount: number;
  failed: number;
  totalBonus: string;
  totalPoolBonus: string | null;
  poolApplied: boolean;
}

/**
 * Compute a run's results and store them, as a pipeline over chunks of the upload (ADR 0022):
 * range reads of RUN_CHUNK_ROWS row numbers, each chunk evaluated by the compute workers while the
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
  const last = await repo.lastUploadRowNo(trx, input.uploadId);
  const inputNames = compiledFor(input.plan, input.bands).inputs.map((i) => i.name);
  let after = 0;
  let more = last > 0;
  let employeeCount = 0;
  let failed = 0;
  // Reads run one after the other on their own connection (input.readRows), ahead of the COPYs on
  // the run's transaction, so reading, computing and writing overlap.
  let reading: Promise<unknown> = Promise.resolve();
  const startChunk = () => {
    // Row numbers are lines in the file (blank lines leave gaps): a range holds at most RUN_CHUNK_ROWS rows.
    const [from, to] = [after, after + RUN_CHUNK_ROWS];
    after = to;
    more = after < last;
    const rows = reading.then(() => (input.readRows ?? ((f, t, names) => repo.copyUploadRowRange(trx, input.uploadId, f, t, names)))(from, to, inputNames));
    reading = rows.catch(() => undefined);
    const outcome = rows.then((buf) => {
      if (buf.length === 0) return EMPTY;
      return computer.run({ kind: 'chunk', plan: input.plan, bands: input.bands, runId: input.runId, tenantId: input.tenantId, rows: buf, inputNames, pooled });
    });
    outcome.catch(() => undefined); // awaited in order below; a later chunk's failure must not go unhandled meanwhile
    inFlight.push(outcome);
  };
  try {
    while (more || inFlight.length > 0) {
      while (more && inFlight.length < computer.parallel) startChunk();
      const done = inFlight.shift();
      if (done === undefined) break;
      const chunk = await done;
      employeeCount += chunk.count;
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
