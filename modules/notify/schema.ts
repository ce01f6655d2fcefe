import { z } from 'zod';
import { PageQuery } from '../core/pagination';

export const ListPageFields = {
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
};

export const MailboxQuery = PageQuery.extend({ to: z.string().min(3).max(320).optional() });

/** A message in the dev mailbox, as listed. */
export const MailboxEntry = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  kind: z.string().nullable(),
  createdAt: z.string(),
});
export type MailboxEntry = z.infer<typeof MailboxEntry>;
export const MailboxPage = z.object({ data: z.array(MailboxEntry), ...ListPageFields });

/** One message with its HTML and text bodies. */
export const MailboxMessage = MailboxEntry.extend({ html: z.string(), text: z.string() });
export type MailboxMessage = z.infer<typeof MailboxMessage>;

export const DeliveryStatus = z.enum(['sending', 'sent', 'failed', 'dead']);
export const DeliveryQuery = PageQuery.extend({ status: DeliveryStatus.optional() });

/** How one outbox message's delivery stands. */
export const Delivery = z.object({
  outboxId: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  generation: z.number().int(),
  lastError: z.string().nullable(),
  transport: z.string(),
  providerMessageId: z.string().nullable(),
  queuedAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
  deadAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;
export const DeliveryPage = z.object({ data: z.array(Delivery), ...ListPageFields });

export const OutboxIdParams = z.object({
  outboxId: z.string().regex(/^\d{1,18}$/, 'must be an outbox message id'),
});
export const MessageIdParams = z.object({ id: z.uuid() });
