import type { Logger } from 'pino';
import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import { findOutboxMessage, markOutboxSent } from '../../identity/index';
import * as repo from '../repo';
import { renderMail } from '../templates';
import { MailSendError, publicUrl, type MailTransport } from '../transports';

export interface DeliverDeps {
  db: Db;
  config: Config;
  log: Logger;
  transport: MailTransport;
  signal?: AbortSignal;
}

export type DeliverOutcome = 'sent' | 'already-sent' | 'dead' | 'missing';

/** The provider idempotency key of an outbox message: stable across tries, workers and restarts. */
export const idempotencyKeyOf = (outboxId: string) => `fig-outbox-${outboxId}`;

/** A failure the caller must not retry (BullMQ's UnrecoverableError is thrown for it by the job). */
export class PermanentDeliveryError extends Error {}

/**
 * Deliver one outbox message. Sending is idempotent (the provider keys on `fig-outbox-<id>`), so a
 * worker that dies after the provider accepted the mail but before `sent_at` was written sends
 * again with the same key and the provider keeps the first send: the mail leaves once. A failure
 * is recorded; on the last try (`attempt.made + 1 >= attempt.max`) or a permanent refusal the
 * delivery is dead-lettered for ops.
 */
export async function deliverMessage(
  deps: DeliverDeps,
  outboxId: string,
  attempt: { made: number; max: number },
): Promise<DeliverOutcome> {
  const msg = await findOutboxMessage(deps.db, outboxId);
  if (!msg) return 'missing';
  if (msg.sentAt) return 'already-sent';
  const delivery = await repo.findDelivery(deps.db, outboxId);
  if (delivery?.status === 'dead') return 'dead';

  const idempotencyKey = idempotencyKeyOf(outboxId);
  const mail = renderMail(msg, publicUrl(deps.config));
  await repo.startAttempt(deps.db, { outboxId, transport: deps.transport.name, idempotencyKey });
  let providerId: string;
  try {
    ({ id: providerId } = await deps.transport.send(
      { ...mail, from: deps.config.MAIL_FROM, to: msg.to, kind: msg.kind, idempotencyKey },
      deps.signal,
    ));
  } catch (err) {
    const permanent = err instanceof MailSendError && err.permanent;
    const dead = permanent || attempt.made + 1 >= attempt.max;
    const message = err instanceof Error ? err.message : String(err);
    await repo.markFailed(deps.db, outboxId, message, dead);
    deps.log.warn(
      { outboxId, kind: msg.kind, attempt: attempt.made + 1, dead, err: message },
      dead ? 'mail dead-lettered' : 'mail send failed',
    );
    if (permanent) throw new PermanentDeliveryError(message);
    throw err;
  }
  const at = new Date();
  await deps.db.transaction().execute(async (trx) => {
    await markOutboxSent(trx, outboxId, at);
    await repo.markSent(trx, outboxId, providerId, at);
  });
  deps.log.info({ outboxId, kind: msg.kind, transport: deps.transport.name }, 'mail sent');
  return 'sent';
}
