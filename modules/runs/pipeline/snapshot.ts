import { createHash } from 'node:crypto';
import { CATALOG_VERSION, PlanDefinition, type PlanDefinitionInput } from '../../engine/index';
import { canonicalJson } from './compute-chunk';

/** What a run's results depend on besides its input rows. */
export interface SnapshotHeader {
  planId: string;
  planVersion: number;
  plan: PlanDefinitionInput;
  payoutOutput: string;
  poolAmount: string | null;
}

/**
 * snapshot_hash (ADR 0016): SHA-256 over the plan version (id, version, inputs, constants, steps
 * with defaults applied), the engine's function catalog version, the payout and pool, and the input
 * rows, as a two-level hash: the leaves are the SHA-256 of each group of 1,000 rows in row order
 * (computed by the workers beside each chunk), so the hash never depends on how a run was chunked.
 */
export function snapshotHash(header: SnapshotHeader, leaves: readonly string[]): string {
  const h = createHash('sha256');
  h.update(
    canonicalJson({
      plan_id: header.planId,
      plan_version: header.planVersion,
      catalog_version: CATALOG_VERSION,
      plan: PlanDefinition.parse(header.plan),
      payout_output: header.payoutOutput,
      pool_amount: header.poolAmount,
    }),
  );
  h.update('\n');
  for (const leaf of leaves) h.update(leaf);
  return h.digest('hex');
}
