import { z } from 'zod';
import { PageQuery } from '../core/pagination';

/** Filters shared by the list and the CSV export. */
export const AuditEventFilter = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  actor: z.string().min(1).max(200).optional(),
  entity: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(100).optional(),
});
export type AuditEventFilter = z.infer<typeof AuditEventFilter>;

export const AuditEventQuery = AuditEventFilter.extend(PageQuery.shape);
export type AuditEventQuery = z.infer<typeof AuditEventQuery>;

export const AuditEvent = z.object({
  id: z.string(),
  seq: z.number().int(),
  tenantId: z.string(),
  actor: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventPage = z.object({
  data: z.array(AuditEvent),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const ChainReport = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  headSeq: z.number().int(),
  headHash: z.string(),
  firstBroken: z
    .object({
      id: z.string(),
      seq: z.number().int(),
      reason: z.enum(['seq_gap', 'prev_hash_mismatch', 'hash_mismatch']),
      expected: z.string(),
      actual: z.string(),
    })
    .nullable(),
});
