import { withTenant } from '../../core/db';
import * as repo from '../repo';
import type { BandRow, RecordSource, RunRecord, ScenarioRecord } from '../tables';
import { createRun } from './create-run';
import type { RunsDeps } from './context';

export interface CreateScenarioInput {
  uploadId: number;
  name: string;
  poolAmount: string | null;
  /** The scenario's own band table; null: the current one (the global table is never changed). */
  bands: BandRow[] | null;
  source: RecordSource;
  /** Backfill: legacy's ids and time. */
  id?: number;
  runId?: number;
  createdAt?: Date;
}

/** A named what-if: a run on an upload with its own pool and/or bands, and the scenario naming it. */
export async function createScenario(deps: RunsDeps, tenantId: string, input: CreateScenarioInput): Promise<{ scenario: ScenarioRecord; run: RunRecord }> {
  const run = await createRun(deps, tenantId, {
    uploadId: input.uploadId,
    poolAmount: input.poolAmount,
    name: input.name,
    bands: input.bands,
    source: input.source,
    ...(input.runId !== undefined ? { id: input.runId } : {}),
    ...(input.createdAt !== undefined ? { createdAt: input.createdAt } : {}),
  });
  const scenario = await withTenant(deps.db, tenantId, (trx) =>
    repo.insertScenario(trx, {
      ...(input.id !== undefined ? { id: input.id } : {}),
      tenant_id: tenantId,
      name: input.name,
      upload_id: input.uploadId,
      run_id: run.id,
      created_at: run.created_at,
    }),
  );
  return { scenario, run };
}
