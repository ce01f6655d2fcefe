import { sql } from 'kysely';
import type Stripe from 'stripe';
import { withTenant, type Db } from '../core/db';

/** The metric fig bills by: distinct employees calculated in a calendar month (runs' results). */
export const EMPLOYEES_METRIC = 'employees';

/** The first day of the month (UTC) of a date, as YYYY-MM-01. */
export const monthOf = (d: Date): string => `${d.toISOString().slice(0, 7)}-01`;

/**
 * Report one tenant's employees calculated in `month` (YYYY-MM-01) to Stripe as a meter event,
 * once: the count is stored in billing.usage_reports (tenant, month, metric), the meter event
 * carries the identifier and Idempotency-Key `fig-usage-<tenant>-<month>-employees`, and a month
 * already reported is skipped. Reads runs.run_results/runs.runs (read only, under the tenant's RLS).
 * Returns what was reported, or undefined (no Stripe customer yet, or already reported).
 */
export async function reportMonthlyUsage(
  db: Db,
  stripe: Stripe,
  eventName: string,
  tenantId: string,
  month: string,
): Promise<{ quantity: number; identifier: string } | undefined> {
  const identifier = `fig-usage-${tenantId}-${month.slice(0, 7)}-${EMPLOYEES_METRIC}`;
  const pending = await withTenant(db, tenantId, async (trx) => {
    const account = await trx.selectFrom('billing.accounts').select('stripe_customer_id').where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!account?.stripe_customer_id) return undefined;
    const { rows } = await sql<{ n: string }>`
      select count(distinct r.employee_id) as n
      from runs.run_results r join runs.runs u on u.id = r.run_id and u.tenant_id = r.tenant_id
      where r.ok and u.created_at >= ${month}::date and u.created_at < (${month}::date + interval '1 month')
    `.execute(trx);
    const quantity = Number(rows[0]?.n ?? 0);
    // First writer wins; a reported month keeps its count (the figure Stripe has).
    await sql`
      insert into billing.usage_reports (tenant_id, month, metric, quantity) values (${tenantId}, ${month}::date, ${EMPLOYEES_METRIC}, ${quantity})
      on conflict (tenant_id, month, metric) do update set quantity = excluded.quantity where billing.usage_reports.reported_at is null
    `.execute(trx);
    const row = await sql<{ quantity: number; reported_at: Date | null }>`
      select quantity, reported_at from billing.usage_reports where tenant_id = ${tenantId} and month = ${month}::date and metric = ${EMPLOYEES_METRIC}
    `.execute(trx);
    const r = row.rows[0]!;
    return r.reported_at ? undefined : { customer: account.stripe_customer_id, quantity: r.quantity };
  });
  if (!pending) return undefined;
  // End of the month (or now, for the running month): Stripe files the event in that period.
  const end = Math.min(Date.parse(`${month}T00:00:00Z`) + 31 * 86400_000, Date.now());
  await stripe.billing.meterEvents.create(
    { event_name: eventName, identifier, timestamp: Math.floor(Math.min(end, Date.now()) / 1000) - 1, payload: { stripe_customer_id: pending.customer, value: String(pending.quantity) } },
    { idempotencyKey: identifier },
  );
  await withTenant(db, tenantId, (trx) =>
    sql`update billing.usage_reports set reported_at = now() where tenant_id = ${tenantId} and month = ${month}::date and metric = ${EMPLOYEES_METRIC} and reported_at is null`.execute(trx),
  );
  return { quantity: pending.quantity, identifier };
}
