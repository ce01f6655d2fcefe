import type { Config } from '../../core/config';
import { withTenant, type Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { addJob } from '../../core/queue';
import * as repo from '../repo';
import type { ParityReport, ReportSource } from '../schema';
import { toReport, type ParityDeps } from './context';
import { executeReport } from './execute-report';

/** Reports of at most this many employees are waited for (PARITY_WAIT_MS) and answered finished. */
export const INLINE_MAX_EMPLOYEES = 5_000;
/** The worker job that runs a report (every report started through the API, ADR 0033). */
export const PARITY_JOB = { name: 'parity.run', version: 1 } as const;
/** Tries of a report's job: back-off from 2 s covers about 4 minutes of legacy, Postgres or worker trouble. */
export const PARITY_JOB_ATTEMPTS = 8;

/** Put a report's run on the worker's queue; the report id is the job id (a repeated add is a no-op). */
export async function enqueueRun(config: Config, payload: { tenantId: string; reportId: string }): Promise<void> {
  await addJob(config, PARITY_JOB, payload, {
    jobId: payload.reportId,
    retry: { attempts: PARITY_JOB_ATTEMPTS, backoffMs: 2_000 },
  });
}

/** Poll a report until it is no longer running, for at most `ms`; undefined when it still runs. */
async function waitForReport(db: Db, tenantId: string, reportId: string, ms: number): Promise<ParityReport | undefined> {
  const deadline = Date.now() + ms;
  for (let every = 50; ; every = Math.min(every * 2, 500)) {
    const row = await withTenant(db, tenantId, (trx) => repo.findReport(trx, reportId));
    if (row && row.status !== 'running') return toReport(row);
    if (Date.now() + every > deadline) return undefined;
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * Create a report and have the worker run it (the `parity.run` job). A small one (at most
 * INLINE_MAX_EMPLOYEES) is waited for up to PARITY_WAIT_MS and returned finished; otherwise it is
 * returned running (`queued`). `inline` (the CLI) runs it in this process instead, through the same
 * chunked executor. Redis not taking the job: the report is marked failed and a 503 problem thrown.
 */
export async function createReport(
  deps: ParityDeps,
  input: { tenantId: string; name: string; source: ReportSource; actor: string; inline?: boolean },
): Promise<{ report: ParityReport; queued: boolean }> {
  const row = await withTenant(deps.db, input.tenantId, (trx) =>
    repo.insertReport(trx, {
      tenantId: input.tenantId,
      name: input.name,
      source: input.source,
      createdBy: input.actor,
      planRef: deps.runner.defaultPlanRef(),
    }),
  );
  if (input.inline) return { report: await executeReport(deps, input.tenantId, row.id, input.source), queued: false };
  try {
    await enqueueRun(deps.config, { tenantId: input.tenantId, reportId: row.id });
  } catch (err) {
    const why = `the worker's queue (Redis) did not take the run: ${(err as Error).message}`;
    await withTenant(deps.db, input.tenantId, (trx) => repo.markFailed(trx, row.id, why));
    throw new AppError('FIG_QUEUE_UNAVAILABLE', 503, `${why}; start the report again when Redis is back`, [], { reportId: row.id });
  }
  const waitMs = deps.config.PARITY_WAIT_MS;
  if (waitMs > 0) {
    const size = await deps.runner.sourceSize(deps.config.LEGACY_URL, input.source).catch(() => Infinity);
    if (size <= INLINE_MAX_EMPLOYEES) {
      const done = await waitForReport(deps.db, input.tenantId, row.id, waitMs);
      if (done) return { report: done, queued: false };
    }
  }
  return { report: toReport(row), queued: true };
}
