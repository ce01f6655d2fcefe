import { z } from 'zod';
import { withTenant } from '../core/db';
import type { JobDefinition } from '../core/jobs';
import type { ParityRunner } from './outcome';
import * as repo from './repo';
import { ReportSource } from './schema';
import { executeReport, PARITY_JOB } from './service';

/** `source` was carried by jobs queued before ADR 0033; the report's stored source is the one run. */
const Payload = z.object({ tenantId: z.uuid(), reportId: z.uuid(), source: ReportSource.optional() });

/**
 * `parity.run`: run a report created by the API, chunk by chunk (ADR 0033). A short lock: a killed
 * worker's job is taken again within seconds and resumes at the first chunk not written.
 */
export function parityRunJob(runner: ParityRunner): JobDefinition<typeof Payload> {
  return {
    ...PARITY_JOB,
    payload: Payload,
    concurrency: 1,
    lock: { durationMs: 10_000, stalledIntervalMs: 5_000, maxStalledCount: 10 },
    handler: async (p, ctx) => {
      const row = await withTenant(ctx.db, p.tenantId, (trx) => repo.findReport(trx, p.reportId));
      if (!row) return { reportId: p.reportId, skipped: true };
      const finalTry = (ctx.attempt?.made ?? 0) + 1 >= (ctx.attempt?.max ?? 1);
      const report = await executeReport(
        { db: ctx.db, config: ctx.config, log: ctx.log, runner },
        p.tenantId,
        p.reportId,
        row.source as ReportSource,
        { signal: ctx.signal, finalTry },
      );
      return { reportId: report.id, status: report.status };
    },
  };
}
