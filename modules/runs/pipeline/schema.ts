import { z } from 'zod';
import { PageQuery } from '../../core/pagination';

/** Wire schemas of the runs pipeline API (docs/runs.md), shared with the SPA. Money travels as strings. */

const Uuid = z.uuid();
const Money = z.string().regex(/^\d{1,28}(\.\d{1,10})?$/, 'must be a non-negative decimal string like "250000.00"');

export const RunState = z.enum(['queued', 'running', 'completed', 'failed', 'in_review', 'finalized']);
export type RunState = z.infer<typeof RunState>;

export const TenantParams = z.object({ tid: Uuid });
export const RunParams = z.object({ tid: Uuid, id: z.coerce.number().int().positive() });

export const StartRunBody = z.strictObject({
  plan_id: Uuid,
  upload_id: z.number().int().positive(),
  name: z.string().trim().min(1).max(200),
  /** Pool amount over the payouts; default: the plan's first pool, else none. */
  pool: Money.optional(),
});
export type StartRunBody = z.infer<typeof StartRunBody>;

export const RunView = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  status: RunState,
  planId: z.string().nullable(),
  planVersion: z.number().int().nullable(),
  uploadId: z.number().int(),
  payoutOutput: z.string().nullable(),
  pool: z.string().nullable(),
  progress: z.object({
    rowsDone: z.number().int(),
    rowsTotal: z.number().int(),
    chunksDone: z.number().int(),
    chunksTotal: z.number().int(),
    percent: z.number(),
  }),
  totals: z.object({
    employees: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    totalPayout: z.string().nullable(),
    totalPool: z.string().nullable(),
    poolApplied: z.boolean(),
  }),
  snapshotHash: z.string().nullable(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  finalizedAt: z.string().nullable(),
  finalizedBy: z.string().nullable(),
});
export type RunView = z.infer<typeof RunView>;

export const RunList = z.object({ data: z.array(RunView), total: z.number().int(), hasMore: z.boolean(), nextCursor: z.string().nullable() });

export const RunFailure = z.object({ rowNo: z.number().int(), employeeId: z.string(), step: z.string().nullable(), message: z.string() });
export const FailureList = z.object({ data: z.array(RunFailure), total: z.number().int(), hasMore: z.boolean(), nextCursor: z.string().nullable() });

export const Accepted = z.object({ id: z.number().int(), status: RunState, href: z.string() });

export const ListQuery = PageQuery;
