import { findCurrentBandTable } from '../../bands/index';
import type { ComputeOutcome } from '../compute';
import type { BandRow } from '../tables';
import { legacyPlan, type RunsDeps } from './context';

export interface CalculateInput {
  /** employee_id plus the plan's inputs as canonical decimal strings. */
  rows: Record<string, string>[];
  /** Own band table; null: the current one. */
  bands: BandRow[] | null;
  poolAmount: string | null;
}

/**
 * Compute without storing anything (legacy's POST /api/v1/calculate): the current
 * legacy-equivalent plan version with the given or current band table, then the pool.
 */
export async function calculate(deps: RunsDeps, tenantId: string, input: CalculateInput): Promise<ComputeOutcome & { bandVersion: number | null }> {
  const plan = await legacyPlan(deps, tenantId);
  let bands = input.bands;
  let bandVersion: number | null = null;
  if (bands === null) {
    const table = await findCurrentBandTable(deps.db);
    if (!table) throw new Error('there is no revenue band table');
    bands = table.bands;
    bandVersion = table.version;
  }
  const outcome = await deps.compute({ plan: plan.definition, bands, rows: input.rows, poolAmount: input.poolAmount });
  return { ...outcome, bandVersion };
}
