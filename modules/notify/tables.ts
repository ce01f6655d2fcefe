import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** notify.deliveries (migrations/0070): one row per outbox message the dispatcher picked up. */
export interface DeliveryTable {
  outbox_id: string;
  status: 'sending' | 'sent' | 'failed' | 'dead';
  generation: Generated<number>;
  attempts: Generated<number>;
  last_error: string | null;
  transport: string;
  idempotency_key: string;
  provider_message_id: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  sent_at: Date | null;
  dead_at: Date | null;
}

/** notify.mailbox: the embedded dev mailbox, unique by idempotency key. */
export interface MailboxTable {
  id: Generated<string>;
  idempotency_key: string;
  from_email: string;
  to_email: string;
  subject: string;
  html: string;
  text: string;
  kind: string | null;
  created_at: CreatedAt;
}
export type DeliveryRow = Selectable<DeliveryTable>;
export type MailboxRow = Selectable<MailboxTable>;

declare module '../core/database' {
  interface Database {
    'notify.deliveries': DeliveryTable;
    'notify.mailbox': MailboxTable;
  }
}
