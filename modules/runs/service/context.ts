import type { FastifyBaseLogger } from 'fastify';
import { withTenant, type Db, type Trx } from '../../core/db';
import { findLatestLockedPlan, LEGACY_EQUIVALENT_NAME, seedDemo, type LockedPlanVersion } from '../../plans/index';
import type { ChunkComputer, Computer } from '../compute-pool';

/** What every runs use case receives. */
export interface RunsDeps {
  db: Db;
  log: FastifyBaseLogger;
  /** Computes a run off the event loop (compute-pool.ts). */
  compute: Computer;
  /** Computes a stored run's chunks (default: the app's worker pool for large runs, see chunkComputerFor). */
  computeChunks?: (rows: number) => ChunkComputer;
  /** Now, for created_at (millisecond precision, as legacy records it). */
  clock?: () => Date;
}

export const now = (deps: RunsDeps) => new Date(Math.floor((deps.clock?.() ?? new Date()).getTime()));

/**
 * The plan version a legacy batch runs: the newest locked version of the tenant's
 * legacy-equivalent plan. A tenant without one gets it seeded first (plans' idempotent demo seed).
 */
export async function legacyPlan(deps: RunsDeps, tenantId: string, trx?: Trx): Promise<LockedPlanVersion> {
  const find = (t: Trx) => findLatestLockedPlan(t, tenantId, LEGACY_EQUIVALENT_NAME);
  const found = trx ? await find(trx) : await withTenant(deps.db, tenantId, find);
  if (found) return found;
  await seedDemo(deps.db, tenantId, { log: deps.log });
  const seeded = await withTenant(deps.db, tenantId, find);
  if (!seeded) throw new Error(`tenant ${tenantId} has no locked "${LEGACY_EQUIVALENT_NAME}" plan and seeding one failed`);
  return seeded;
}
