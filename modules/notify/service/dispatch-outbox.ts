import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import * as repo from '../repo';

/** Job id of one delivery try series; a new generation (ops' retry of a dead mail) is a new job. */
export const deliveryJobId = (outboxId: string, generation: number) => `outbox-${outboxId}-g${generation}`;

/**
 * Queue a delivery job for every undelivered, not dead-lettered outbox message (at most `batch` per
 * pass). Idempotent: a job id already known to BullMQ is not added twice, and a message that was
 * sent meanwhile is skipped by the delivery itself. Returns how many messages were considered.
 */
export async function dispatchOutbox(
  deps: { db: Db; config: Config },
  add: (outboxId: string, jobId: string, retry: { attempts: number; backoffMs: number }) => Promise<void>,
  batch = 200,
): Promise<number> {
  const pending = await repo.listPendingOutbox(deps.db, batch);
  const retry = { attempts: deps.config.MAIL_MAX_ATTEMPTS, backoffMs: deps.config.MAIL_BACKOFF_MS };
  for (const m of pending) await add(m.id, deliveryJobId(m.id, m.generation), retry);
  return pending.length;
}
