import type { Config } from '../core/config';
import type { Db } from '../core/db';
import { notFound } from '../core/errors';
import { cursorOffset, page } from '../core/pagination';
import { NotifyErrors } from './errors';
import * as repo from './repo';
import type { Delivery, MailboxEntry, MailboxMessage } from './schema';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What ops see of mail: the dev mailbox and the delivery (dead-letter) list. */
export function createNotifyService(deps: { db: Db; config: Config }) {
  const mailboxOn = () => {
    if (deps.config.RESEND_API_KEY) throw NotifyErrors.mailboxOff();
  };
  return {
    async listMailbox(q: { to?: string; limit: number; cursor?: string }) {
      mailboxOn();
      const offset = cursorOffset(q.cursor);
      const { rows, total } = await repo.listMailbox(deps.db, q.to, offset, q.limit);
      const data: MailboxEntry[] = rows.map((r) => ({
        id: r.id,
        from: r.from_email,
        to: r.to_email,
        subject: r.subject,
        kind: r.kind,
        createdAt: r.created_at.toISOString(),
      }));
      return page(data, total, offset, q.limit);
    },

    async getMailboxMessage(id: string): Promise<MailboxMessage> {
      mailboxOn();
      const r = await repo.findMailboxMessage(deps.db, id);
      if (!r) throw notFound('Mailbox message', id);
      return {
        id: r.id,
        from: r.from_email,
        to: r.to_email,
        subject: r.subject,
        kind: r.kind,
        createdAt: r.created_at.toISOString(),
        html: r.html,
        text: r.text,
      };
    },

    async listDeliveries(q: { status?: Delivery['status']; limit: number; cursor?: string }) {
      const offset = cursorOffset(q.cursor);
      const { rows, total } = await repo.listDeliveries(deps.db, q.status, offset, q.limit);
      const data: Delivery[] = rows.map((r) => ({
        outboxId: String(r.outbox_id),
        kind: r.kind,
        to: r.to_email,
        subject: r.subject,
        status: r.status,
        attempts: r.attempts,
        generation: r.generation,
        lastError: r.last_error,
        transport: r.transport,
        providerMessageId: r.provider_message_id,
        queuedAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
        sentAt: iso(r.sent_at),
        deadAt: iso(r.dead_at),
      }));
      return page(data, total, offset, q.limit);
    },

    /** Put a dead-lettered message back in line (a new job; the idempotency key stays the same). */
    async retryDelivery(outboxId: string): Promise<void> {
      if (!(await repo.reviveDelivery(deps.db, outboxId))) throw NotifyErrors.notDead(outboxId);
    },
  };
}
export type NotifyService = ReturnType<typeof createNotifyService>;
