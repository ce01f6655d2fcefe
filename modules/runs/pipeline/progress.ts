import type { Redis } from 'ioredis';
import type { RunStatus } from '../tables';

/** What the worker publishes after each chunk and each state change, and the SSE stream relays. */
export interface RunProgress {
  runId: number;
  status: RunStatus;
  rowsDone: number;
  rowsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  failed: number;
}

/** The Redis pub/sub channel of one run's progress. */
export const progressChannel = (prefix: string, tenantId: string, runId: number) => `${prefix}runs:progress:${tenantId}:${runId}`;

/** States after which a run's progress no longer changes (until someone re-runs failed rows). */
export const SETTLED: readonly RunStatus[] = ['completed', 'failed', 'in_review', 'finalized'];

/** Publish progress; a lost message only delays the SPA until the next one (the SSE stream also polls). */
export async function publishProgress(redis: Redis, prefix: string, tenantId: string, p: RunProgress): Promise<void> {
  await redis.publish(progressChannel(prefix, tenantId, p.runId), JSON.stringify(p)).catch(() => undefined);
}
