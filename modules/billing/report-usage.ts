import { sql } from 'kysely';
import type Stripe from 'stripe';
import { withTenant, type Db } from '../core/db';

/** The metric fig bills by: distinct employees calculated in a calendar month (runs' results). */
export const EMPLOYEES_METRIC = 'employees';

/** The first day of the month (UTC) of a date, as YYYY-MM-01. */
export const monthOf = (d: Date): string => `${d.toISOString().slice(0, 7)}-01`;

/** The first instant after `month` (YYYY-MM-01), UTC. */
const monthEnd = (month: string): Date => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1));
};

/** The last closed calendar month before `now` (UTC), as YYYY-MM-01: what the scheduled report sends. */
export const previousMonth = (now: Date): string => monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));

/** Stripe meter event identifier and Idempotency-Key of one tenant's figure for one month. */
export const usageIdentifier = (tenantId: string, month: string) => `fig-usage-${tenantId}-${month.slice(0, 7)}-${EMPLOYEES_METRIC}`;

/** The ids of the organisations with a Stripe customer and no figure sent yet for `month` (app.billing_usage_due, 0076). */
export async function listTenantsDueForUsage(db: Db, month: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select t as id from app.billing_usage_due(${month}::date, ${EMPLOYEES_METRIC}) as t`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Report one tenant's employees calculated in a closed `month` (YYYY-MM-01) to Stripe as a meter
 * event, once. The count is frozen the first time it is recorded in billing.usage_reports (tenant,
 * month, metric), so every retry sends the same parameters; the meter event carries the identifier
 * and Idempotency-Key `fig-usage-<tenant>-<YYYY-MM>-employees`, so a worker that dies after Stripe
 * accepted the event and before `reported_at` was written sends a replay Stripe ignores; a month
 * marked reported is skipped without a call. Reads runs.run_results/runs.runs (read only, under the
 * tenant's RLS). Returns what was reported, or undefined (no Stripe customer, or already reported).
 */
export async function reportMonthlyUsage(
  db: Db,
  stripe: Stripe,
  eventName: string,
  tenantId: string,
  month: string,
  now: Date = new Date(),
): Promise<{ quantity: number; identifier: string } | undefined> {
  if (!/^\d{4}-(0[1-9]|1[0-2])-01$/.test(month)) throw new Error(`reportMonthlyUsage: not a month: ${JSON.stringify(month)}`);
  const end = monthEnd(month);
  // An open month's count still grows; freezing it early would under-bill.
  if (end.getTime() > now.getTime()) throw new Error(`reportMonthlyUsage: ${month.slice(0, 7)} is not over yet`);
  const identifier = usageIdentifier(tenantId, month);
  const pending = await withTenant(db, tenantId, async (trx) => {
    const account = await trx.selectFrom('billing.accounts').select('stripe_customer_id').where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!account?.stripe_customer_id) return undefined;
    const { rows } = await sql<{ n: string }>`
      select count(distinct r.employee_id) as n
      from runs.run_results r join runs.runs u on u.id = r.run_id and u.tenant_id = r.tenant_id
      where r.ok and u.created_at >= ${month}::date and u.created_at < ${end}
    `.execute(trx);
    // First writer wins and the figure never changes afterwards: a retry must send what the first try sent.
    await sql`
      insert into billing.usage_reports (tenant_id, month, metric, quantity) values (${tenantId}, ${month}::date, ${EMPLOYEES_METRIC}, ${Number(rows[0]?.n ?? 0)})
      on conflict (tenant_id, month, metric) do nothing
    `.execute(trx);
    const row = await sql<{ quantity: number; reported_at: Date | null }>`
      select quantity, reported_at from billing.usage_reports where tenant_id = ${tenantId} and month = ${month}::date and metric = ${EMPLOYEES_METRIC}
    `.execute(trx);
    const r = row.rows[0]!;
    return r.reported_at ? undefined : { customer: account.stripe_customer_id, quantity: r.quantity };
  });
  if (!pending) return undefined;
  // The month's last second: Stripe files the event in the billing period containing it.
  await stripe.billing.meterEvents.create(
    { event_name: eventName, identifier, timestamp: Math.floor(end.getTime() / 1000) - 1, payload: { stripe_customer_id: pending.customer, value: String(pending.quantity) } },
    { idempotencyKey: identifier },
  );
  await withTenant(db, tenantId, (trx) =>
    sql`update billing.usage_reports set reported_at = now() where tenant_id = ${tenantId} and month = ${month}::date and metric = ${EMPLOYEES_METRIC} and reported_at is null`.execute(trx),
  );
  return { quantity: pending.quantity, identifier };
}
