import { sql } from 'kysely';
import type { Executor } from './repo';
import type { OutboxMessage } from '../tenancy/index';
import './tables';

/*
 * identity.outbox: mails queued in the transaction that caused them (the notify module delivers
 * them later). Owner-only, except that the app role may insert (invitations are mailed from a
 * tenant transaction).
 */

/** One outbox mail; the shape tenancy's IdentityPort already declares (identity implements that port). */
export type { OutboxMessage };

/** Queue a message (the notify module delivers identity.outbox later). Works in a tenant transaction too. */
export async function enqueueMessage(db: Executor, m: OutboxMessage): Promise<void> {
  await db
    .insertInto('identity.outbox')
    .values({
      kind: m.kind,
      to_email: m.to,
      subject: m.subject,
      body: m.body,
      payload: JSON.stringify(m.payload ?? {}),
    })
    .execute();
}

/** How long each kind of link mail stays useful; after that (or once sent) its token is purged. */
export const LINK_MAIL_TTL_MS: Record<string, number> = {
  password_reset: 60 * 60 * 1000,
  verify_email: 24 * 60 * 60 * 1000,
  signup: 24 * 60 * 60 * 1000,
  invitation: 7 * 24 * 60 * 60 * 1000,
  magic_link: 15 * 60 * 1000,
};

/**
 * Remove link tokens from outbox rows that were delivered or whose link expired: the body keeps
 * its text with the token replaced, the payload loses any `token`. Idempotent; returns rows changed.
 */
export async function purgeOutboxLinkTokens(db: Executor, now: Date): Promise<number> {
  let changed = 0;
  for (const [kind, ttl] of Object.entries(LINK_MAIL_TTL_MS)) {
    const res = await db
      .updateTable('identity.outbox')
      .set({
        body: sql`regexp_replace(body, '([?#]token=)[A-Za-z0-9_.-]+', '\\1(removed)', 'g')`,
        payload: sql`payload - 'token'`,
      })
      .where('kind', '=', kind)
      .where((eb) =>
        eb.or([eb('sent_at', 'is not', null), eb('created_at', '<', new Date(now.getTime() - ttl))]),
      )
      .where((eb) => eb.or([eb('body', '~', '[?#]token=[A-Za-z0-9_-]'), sql<boolean>`payload ? 'token'`]))
      .executeTakeFirst();
    changed += Number(res.numUpdatedRows);
  }
  return changed;
}

/** One outbox row as the notify module delivers it. */
export interface OutboxRow {
  id: string;
  kind: string;
  to: string;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  sentAt: Date | null;
}

/** An outbox message by id (fig_service connection), or undefined. */
export async function findOutboxMessage(db: Executor, id: string): Promise<OutboxRow | undefined> {
  const row = await db
    .selectFrom('identity.outbox')
    .select(['id', 'kind', 'to_email', 'subject', 'body', 'payload', 'created_at', 'sent_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: String(row.id),
    kind: row.kind,
    to: row.to_email,
    subject: row.subject,
    body: row.body,
    payload: (row.payload ?? {}) as Record<string, unknown>,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** Record that a message was delivered (the notify module calls this in its delivery transaction). */
export async function markOutboxSent(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('identity.outbox').set({ sent_at: at }).where('id', '=', id).where('sent_at', 'is', null).execute();
}
