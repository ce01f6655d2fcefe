import { withTenant } from '../../core/db';
import { compareDecimals, sumDecimals } from '../../core/decimal';
import type { PoolOutcome } from './compute-chunk';
import { publishProgress } from './progress';
import * as repo from './repo';
import type { RunJobScope } from './scope';
import { snapshotHash } from './snapshot';
import { lockRun, transitionRun } from './states';

/** Pool shares written per statement (one JSON array each). */
const SHARE_BATCH = 50_000;

/**
 * Close a run whose chunks are all done: the pool over the rows that succeeded (shares written
 * only when the pool scaled the payouts), totals to the cent, the snapshot hash, and the final
 * state (`failed` when any row failed). Idempotent: a try that dies here is simply redone.
 */
export async function finishRun(scope: RunJobScope): Promise<void> {
  const { ctx, run, plan, pool } = scope;
  const chunks = await withTenant(ctx.db, run.tenant_id, (trx) => repo.listChunks(trx, run.id));
  if (chunks.some((c) => !c.done)) throw new Error(`run ${run.id} still has chunks to compute`);
  const totalPayout = sumDecimals(chunks.map((c) => c.total_payout ?? '0'));
  const failed = chunks.reduce((n, c) => n + c.failed_count, 0);
  const employees = chunks.reduce((n, c) => n + c.row_count, 0);

  let poolApplied = false;
  let totalPool: string | null = null;
  await withTenant(ctx.db, run.tenant_id, (trx) => repo.writePoolShares(trx, run.id, null));
  if (run.pool_amount !== null) {
    totalPool = totalPayout;
    if (compareDecimals(totalPayout, run.pool_amount) > 0) {
      const payouts = await withTenant(ctx.db, run.tenant_id, (trx) => repo.readPayouts(trx, run.id, run.payout_output ?? 'bonus'));
      const { shares } = (await pool.run({ kind: 'pool', rows: payouts.map((p) => ({ id: p.employee_id, amount: p.amount })), pool: run.pool_amount })) as PoolOutcome;
      for (let i = 0; i < payouts.length; i += SHARE_BATCH) {
        const json = JSON.stringify(payouts.slice(i, i + SHARE_BATCH).map((p, k) => ({ row_no: p.row_no, share: shares[i + k] })));
        await withTenant(ctx.db, run.tenant_id, (trx) => repo.writePoolShares(trx, run.id, json).then(() => undefined));
      }
      poolApplied = true;
      totalPool = sumDecimals(shares);
    }
  }
  const hash = snapshotHash(
    { planId: plan.id, planVersion: plan.version, plan: plan.definition, payoutOutput: run.payout_output ?? 'bonus', poolAmount: run.pool_amount },
    chunks.map((c) => c.input_hashes ?? ''),
  );
  const to = failed > 0 ? 'failed' : 'completed';
  await withTenant(ctx.db, run.tenant_id, async (trx) => {
    const locked = await lockRun(trx, run.id);
    if (!locked || locked.status !== 'running') return;
    await transitionRun(trx, locked, to, { actor: 'worker' }, {
      completed_at: new Date(),
      error: null,
      employee_count: employees,
      failed_count: failed,
      total_bonus: totalPayout,
      total_pool_bonus: totalPool,
      pool_applied: poolApplied,
      snapshot_hash: hash,
    });
  });
  await publishProgress(ctx.redis, ctx.config.REDIS_PREFIX, run.tenant_id, {
    runId: run.id,
    status: to,
    rowsTotal: employees,
    rowsDone: employees,
    chunksTotal: chunks.length,
    chunksDone: chunks.length,
    failed,
  });
}
