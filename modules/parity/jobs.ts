import { z } from 'zod';
import type { JobDefinition } from '../core/jobs';
import type { ParityRunner } from './outcome';
import { ReportSource } from './schema';
import { executeReport, PARITY_JOB } from './service';

const Payload = z.object({ tenantId: z.uuid(), reportId: z.uuid(), source: ReportSource });

/** `parity.run`: replay a large source for a report created by the API (status running → done/failed). */
export function parityRunJob(runner: ParityRunner): JobDefinition<typeof Payload> {
  return {
    ...PARITY_JOB,
    payload: Payload,
    concurrency: 1,
    handler: async (p, ctx) =>
      executeReport({ db: ctx.db, config: ctx.config, log: ctx.log, runner }, p.tenantId, p.reportId, p.source, {
        signal: ctx.signal,
      }),
  };
}
