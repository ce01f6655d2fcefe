import { sql, type Kysely } from 'kysely';

/**
 * The scheduled usage report (modules/billing, job billing.report-usage) runs in the worker, outside
 * any tenant, and must find every organisation that owes a monthly usage figure to Stripe. The app
 * role cannot list `billing.accounts` (RLS forced, no policy without a tenant), and giving
 * `fig_service` a `using (true)` policy there would expose customer, subscription and plan of every
 * tenant to any query that forgets `withTenant`.
 *
 * Instead, one SECURITY DEFINER function answers exactly the question the job asks and nothing
 * else: the ids of the organisations that have a Stripe customer and no usage figure yet sent for
 * `p_month` and `p_metric`. It returns ids only (no customer id, plan or count); everything per
 * tenant (count, record, send, mark) then runs under that tenant's RLS with `withTenant`.
 * Executable by `fig_service` only (not `fig_app`, so a tenant transaction cannot call it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function app.billing_usage_due(p_month date, p_metric text)
    returns setof uuid
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
      select a.tenant_id
      from billing.accounts a
      where a.stripe_customer_id is not null
        and not exists (
          select 1 from billing.usage_reports u
          where u.tenant_id = a.tenant_id and u.month = p_month and u.metric = p_metric and u.reported_at is not null
        )
      order by a.tenant_id
    $$
  `.execute(db);
  await sql`revoke all on function app.billing_usage_due(date, text) from public`.execute(db);
  await sql`grant execute on function app.billing_usage_due(date, text) to fig_service`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
