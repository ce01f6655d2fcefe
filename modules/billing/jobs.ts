import { z } from 'zod';
import type { JobDefinition } from '../core/jobs';
import { listTenantsDueForUsage, previousMonth, reportMonthlyUsage } from './report-usage';
import { billingEnabled, createStripe } from './stripe-client';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-01$/, 'a month as YYYY-MM-01');
const TenantUsagePayload = z.object({ tenantId: z.uuid(), month: Month });

/** Tries of one tenant's report (the first retry after a minute, doubled each time). */
const TENANT_RETRY = { attempts: 5, backoffMs: 60_000 };

/** Job id of one tenant's report for one month: adding it again while it is known to BullMQ is a no-op. */
export const tenantUsageJobId = (tenantId: string, month: string) => `usage-${tenantId}-${month.slice(0, 7)}`;

/** Report one tenant's employees calculated in a closed month to Stripe (under the tenant's RLS; once). */
export const reportTenantUsageJob: JobDefinition<typeof TenantUsagePayload> = {
  name: 'billing.report-tenant-usage',
  version: 1,
  payload: TenantUsagePayload,
  concurrency: 2,
  handler: async ({ tenantId, month }, ctx) => {
    if (!billingEnabled(ctx.config)) return { skipped: 'billing is off' };
    const reported = await reportMonthlyUsage(ctx.db, createStripe(ctx.config), ctx.config.STRIPE_USAGE_EVENT, tenantId, month);
    if (reported) ctx.log.info({ tenantId, month, quantity: reported.quantity }, 'monthly usage reported to Stripe');
    return reported ?? { skipped: 'already reported or no Stripe customer' };
  },
};

const UsagePayload = z.object({ month: Month.optional() }).default({});

/**
 * Every hour: queue a report of the last closed month for each organisation that has a Stripe
 * customer and has not had that month's figure sent (app.billing_usage_due, ids only). Running all
 * month long retries a tenant whose report failed well inside Stripe's 35-day window for meter
 * event timestamps. `month` in the payload reports another closed month (ops backfill).
 */
export const reportUsageJob: JobDefinition<typeof UsagePayload> = {
  name: 'billing.report-usage',
  version: 1,
  payload: UsagePayload,
  everyMs: 60 * 60_000,
  handler: async ({ month }, ctx) => {
    if (!billingEnabled(ctx.config)) return { skipped: 'billing is off', queued: 0 };
    const enqueue = ctx.enqueue;
    if (!enqueue) throw new Error('billing.report-usage needs a worker that can enqueue jobs');
    const target = month ?? previousMonth(new Date());
    const due = await listTenantsDueForUsage(ctx.db, target);
    for (const tenantId of due)
      await enqueue(reportTenantUsageJob, { tenantId, month: target }, { jobId: tenantUsageJobId(tenantId, target), retry: TENANT_RETRY });
    if (due.length) ctx.log.info({ month: target, tenants: due.length }, 'monthly usage reports queued');
    return { month: target, queued: due.length };
  },
};
