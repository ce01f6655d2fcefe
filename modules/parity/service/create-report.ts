import { Queue } from 'bullmq';
import type { Config } from '../../core/config';
import { withTenant } from '../../core/db';
import { queueName } from '../../core/jobs';
import * as repo from '../repo';
import type { ParityReport, ReportSource } from '../schema';
import { toReport, type ParityDeps } from './context';
import { executeReport } from './execute-report';

/** Runs with at most this many employees run inline (the request waits); larger ones go to the worker. */
export const INLINE_MAX_EMPLOYEES = 5_000;
/** The worker job that runs a large report. */
export const PARITY_JOB = { name: 'parity.run', version: 1 } as const;

/** Put a run on the worker's queue. */
export async function enqueueRun(
  config: Config,
  payload: { tenantId: string; reportId: string; source: ReportSource },
): Promise<void> {
  const queue = new Queue(queueName(PARITY_JOB), {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
    prefix: `${config.REDIS_PREFIX}bull`,
  });
  try {
    await queue.add('run', payload, {
      jobId: payload.reportId,
      attempts: 1,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  } finally {
    await queue.close();
  }
}

/** Create a report and run it: inline when small (returns it finished), else queued (returns it running). */
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
  const inline =
    input.inline ?? (await deps.runner.sourceSize(deps.config.LEGACY_URL, input.source)) <= INLINE_MAX_EMPLOYEES;
  if (!inline) {
    await enqueueRun(deps.config, { tenantId: input.tenantId, reportId: row.id, source: input.source });
    return { report: toReport(row), queued: true };
  }
  return { report: await executeReport(deps, input.tenantId, row.id, input.source), queued: false };
}
