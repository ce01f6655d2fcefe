import type { ParityRunner, ReportSource } from '../../modules/parity/index';
import { LegacyClient } from './legacy-client';
import { legacyEquivalentPlan, planHash } from './plan';
import { chunkSession, planChunks, runParity, summarizeChunks, type ChunkSummary } from './runner';

/** The engine parity machinery: legacy client, new engine, per-employee diff, Gate A. */
export { runParity, planChunks, chunkSession, summarizeChunks, evaluateGateA, GATE_A, type ParitySource, type ChunkSummary } from './runner';
export { CANONICAL_CASES, legacyEquivalentPlan, planForBands } from './plan';
export { LegacyClient, generateRows } from './legacy-client';

/** How many employees a source will replay (asks legacy for historical batch sizes). */
async function sourceSize(legacyUrl: string, source: ReportSource): Promise<number> {
  if (source.kind === 'rows') return source.rows.length;
  if (source.kind === 'generated') return source.employees;
  const client = new LegacyClient(legacyUrl);
  const batches =
    source.batchIds === 'all'
      ? await client.listBatches()
      : await Promise.all(source.batchIds.map((id) => client.getBatch(id)));
  return batches.reduce((a, b) => a + b.employee_count, 0);
}

/** The machinery as modules/parity's ParityRunner (wired in by gateway/modules.ts and the parity CLI). */
export const parityRunner: ParityRunner = {
  run: runParity,
  planChunks,
  session: chunkSession,
  summarize: (summaries: unknown[], opts: Parameters<typeof summarizeChunks>[1]) =>
    summarizeChunks(summaries as ChunkSummary[], opts),
  sourceSize,
  defaultPlanRef: () => ({ name: 'legacy-equivalent', hash: planHash(legacyEquivalentPlan()), catalogVersion: 1 }),
};
