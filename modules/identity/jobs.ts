import { z } from 'zod';
import type { JobDefinition } from '../core/jobs';
import { purgeOutboxLinkTokens } from './outbox';

/**
 * Remove mailed link tokens (reset, verification, invitation) from the outbox once a message was
 * delivered or its link expired. Idempotent; meant to run every few minutes (and after delivery).
 */
export const purgeLinkTokensJob: JobDefinition = {
  name: 'identity.purge-link-tokens',
  version: 1,
  payload: z.object({}).default({}),
  // A reset link lives an hour: purging every 5 minutes keeps a delivered token at most that long.
  everyMs: 5 * 60_000,
  handler: async (_payload, ctx) => {
    const purged = await purgeOutboxLinkTokens(ctx.db, new Date());
    if (purged) ctx.log.info({ purged }, 'outbox link tokens purged');
    return { purged };
  },
};
