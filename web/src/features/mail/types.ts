// The notify API's types come from the module's own zod schemas (type-only: nothing server-side is bundled).
import type { z } from 'zod';
import type {
  Delivery as DeliverySchema,
  MailboxEntry as MailboxEntrySchema,
  MailboxMessage as MailboxMessageSchema,
} from '../../../../modules/notify/schema';

/** A dev mailbox message as listed (GET /_fig/mailbox). */
export type MailboxEntry = z.infer<typeof MailboxEntrySchema>;
/** One message with HTML and text (GET /_fig/mailbox/{id}). */
export type MailboxMessage = z.infer<typeof MailboxMessageSchema>;
/** A mail delivery (GET /_fig/mail/deliveries). */
export type Delivery = z.infer<typeof DeliverySchema>;
