import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { JobDefinition } from '../core/jobs';
import { deliverMessage, PermanentDeliveryError } from './service/deliver-message';
import { dispatchOutbox } from './service/dispatch-outbox';
import { transportFor } from './transports';

const DeliverPayload = z.object({ outboxId: z.string().regex(/^\d+$/) });

/** Deliver one outbox message (retried with exponential backoff; dead-lettered after the last try). */
export const deliverMailJob: JobDefinition<typeof DeliverPayload> = {
  name: 'notify.deliver',
  version: 1,
  payload: DeliverPayload,
  concurrency: 4,
  handler: async ({ outboxId }, ctx) => {
    try {
      const outcome = await deliverMessage(
        {
          db: ctx.db,
          config: ctx.config,
          log: ctx.log,
          transport: transportFor(ctx.config, ctx.db),
          signal: ctx.signal,
        },
        outboxId,
        ctx.attempt ?? { made: 0, max: 1 },
      );
      return { outcome };
    } catch (err) {
      if (err instanceof PermanentDeliveryError) throw new UnrecoverableError(err.message);
      throw err;
    }
  },
};

/** Every 2 s: queue a delivery for each undelivered outbox message (one schedule across workers). */
export const dispatchOutboxJob: JobDefinition = {
  name: 'notify.dispatch-outbox',
  version: 1,
  payload: z.object({}).default({}),
  everyMs: 2_000,
  handler: async (_payload, ctx) => {
    const enqueue = ctx.enqueue;
    if (!enqueue) throw new Error('notify.dispatch-outbox needs a worker that can enqueue jobs');
    const considered = await dispatchOutbox(ctx, (outboxId, jobId, retry) =>
      enqueue(deliverMailJob, { outboxId }, { jobId, retry }),
    );
    return { considered };
  },
};
