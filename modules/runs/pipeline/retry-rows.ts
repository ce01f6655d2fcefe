import { withTenant } from '../../core/db';
import { sumDecimals } from '../../core/decimal';
import { decodeRows, hashRowGroups, type ChunkOutcome } from './compute-chunk';
import * as repo from './repo';
import type { RunJobScope } from './scope';

/**
 * Re-run only the failed rows of a run, chunk by chunk: each chunk's new results and its updated
 * counts commit together, so a retry killed midway resumes with the rows still failed. The rows
 * are read again from the upload (a corrected row is evaluated as it is now; the chunk's input
 * hashes are recomputed, so the snapshot hash says what the results were computed from).
 */
export async function retryFailedRows(scope: RunJobScope): Promise<void> {
  const { ctx, run, plan, pool, mapping } = scope;
  const mapped = mapping !== null;
  const chunks = await withTenant(ctx.db, run.tenant_id, (trx) => repo.listChunks(trx, run.id));
  for (const chunk of chunks.filter((c) => c.done && c.failed_count > 0)) {
    if (ctx.signal.aborted)
      throw new Error('the worker is shutting down; the retry resumes with the rows still failed');
    const { failedRows, allRows } = await withTenant(ctx.db, run.tenant_id, async (trx) => ({
      failedRows: await repo.readFailedRows(trx, run, chunk.row_from, chunk.row_to, mapped),
      allRows: await repo.readRows(trx, run.upload_id, chunk.row_from, chunk.row_to, mapped),
    }));
    if (failedRows.length === 0) continue;
    const out = (await pool.run({
      kind: 'chunk',
      runId: run.id,
      tenantId: run.tenant_id,
      key: `${run.id}:${plan.id}`,
      plan: plan.definition,
      payoutOutput: run.payout_output ?? 'bonus',
      mapping,
      rows: failedRows,
    })) as ChunkOutcome;
    await withTenant(ctx.db, run.tenant_id, async (trx) => {
      await repo.replaceResults(
        trx,
        run.id,
        failedRows.map((r) => r.row_no),
        out.lines,
      );
      await repo.updateChunkAfterRetry(trx, run.id, chunk.chunk_no, {
        okCount: chunk.ok_count + out.okCount,
        failedCount: out.failedCount,
        totalPayout: sumDecimals([chunk.total_payout ?? '0', out.totalPayout]),
        inputHashes: hashRowGroups(decodeRows(allRows, mapping)),
      });
    });
  }
}
