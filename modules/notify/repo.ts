import { sql } from 'kysely';
import type { Db, Trx } from '../core/db';
import type { DeliveryRow } from './tables';
import './tables';

type Executor = Db | Trx;

/**
 * Undelivered outbox messages not dead-lettered, oldest first, with the generation their job id
 * uses. Reads identity.outbox (identity owns it and its sent_at; notify never writes it directly).
 */
export async function listPendingOutbox(
  db: Executor,
  limit: number,
): Promise<{ id: string; generation: number }[]> {
  const rows = await db
    .selectFrom('identity.outbox as o')
    .leftJoin('notify.deliveries as d', 'd.outbox_id', 'o.id')
    .select(['o.id', sql<number>`coalesce(d.generation, 0)`.as('generation')])
    .where('o.sent_at', 'is', null)
    .where((eb) => eb.or([eb('d.status', 'is', null), eb('d.status', '!=', 'dead')]))
    .orderBy('o.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: String(r.id), generation: Number(r.generation) }));
}

export async function findDelivery(db: Executor, outboxId: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('notify.deliveries').selectAll().where('outbox_id', '=', outboxId).executeTakeFirst();
}

/** A try begins: the row exists with status `sending` and one more attempt. */
export async function startAttempt(
  db: Executor,
  a: { outboxId: string; transport: string; idempotencyKey: string },
): Promise<void> {
  await db
    .insertInto('notify.deliveries')
    .values({
      outbox_id: a.outboxId,
      status: 'sending',
      attempts: 1,
      transport: a.transport,
      idempotency_key: a.idempotencyKey,
    })
    .onConflict((oc) =>
      oc.column('outbox_id').doUpdateSet({
        status: 'sending',
        attempts: sql`notify.deliveries.attempts + 1`,
        transport: a.transport,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function markFailed(
  db: Executor,
  outboxId: string,
  error: string,
  dead: boolean,
): Promise<void> {
  await db
    .updateTable('notify.deliveries')
    .set({
      status: dead ? 'dead' : 'failed',
      last_error: error.slice(0, 2000),
      updated_at: sql`now()`,
      dead_at: dead ? sql`now()` : null,
    })
    .where('outbox_id', '=', outboxId)
    .execute();
}

export async function markSent(db: Executor, outboxId: string, providerId: string, at: Date): Promise<void> {
  await db
    .updateTable('notify.deliveries')
    .set({
      status: 'sent',
      provider_message_id: providerId,
      sent_at: at,
      last_error: null,
      updated_at: sql`now()`,
    })
    .where('outbox_id', '=', outboxId)
    .execute();
}

/** Ops retries a dead message: a new generation (a new job id), attempts from zero. False when not dead. */
export async function reviveDelivery(db: Executor, outboxId: string): Promise<boolean> {
  const res = await db
    .updateTable('notify.deliveries')
    .set({
      status: 'failed',
      generation: sql`generation + 1`,
      attempts: 0,
      dead_at: null,
      updated_at: sql`now()`,
    })
    .where('outbox_id', '=', outboxId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Deliveries with their outbox message's address, subject and kind, newest change first. */
export async function listDeliveries(
  db: Executor,
  status: string | undefined,
  offset: number,
  limit: number,
) {
  let q = db.selectFrom('notify.deliveries as d').innerJoin('identity.outbox as o', 'o.id', 'd.outbox_id');
  if (status) q = q.where('d.status', '=', status as DeliveryRow['status']);
  const [rows, total] = await Promise.all([
    q
      .select([
        'd.outbox_id',
        'd.status',
        'd.attempts',
        'd.generation',
        'd.last_error',
        'd.transport',
        'd.provider_message_id',
        'd.updated_at',
        'd.sent_at',
        'd.dead_at',
        'o.kind',
        'o.to_email',
        'o.subject',
        'o.created_at',
      ])
      .orderBy('d.updated_at', 'desc')
      .orderBy('d.outbox_id', 'desc')
      .offset(offset)
      .limit(limit + 1)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function listMailbox(db: Executor, to: string | undefined, offset: number, limit: number) {
  let q = db.selectFrom('notify.mailbox');
  if (to) q = q.where('to_email', '=', to);
  const [rows, total] = await Promise.all([
    q
      .select(['id', 'from_email', 'to_email', 'subject', 'kind', 'created_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(offset)
      .limit(limit + 1)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function findMailboxMessage(db: Executor, id: string) {
  return db.selectFrom('notify.mailbox').selectAll().where('id', '=', id).executeTakeFirst();
}
