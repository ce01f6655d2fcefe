import { sql, type RawBuilder } from 'kysely';
import type { Db, Trx } from '../core/db';
import type { Account, SubscriptionStatus } from './tables';

const ACCOUNT_COLUMNS = ['tenant_id', 'stripe_customer_id', 'stripe_subscription_id', 'plan', 'seats', 'status', 'current_period_end', 'state_at', 'state_event_id', 'updated_at'] as const;

/** The tenant's billing account, if any (inside withTenant). */
export function findAccount(trx: Trx, tenantId: string): Promise<Account | undefined> {
  return trx.selectFrom('billing.accounts').select(ACCOUNT_COLUMNS).where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Record the Stripe customer of a tenant (first one wins). */
export async function setCustomer(trx: Trx, tenantId: string, customerId: string): Promise<void> {
  await trx
    .insertInto('billing.accounts')
    .values({ tenant_id: tenantId, stripe_customer_id: customerId })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ stripe_customer_id: sql`coalesce(billing.accounts.stripe_customer_id, excluded.stripe_customer_id)`, updated_at: sql`now()` }))
    .execute();
}

export interface SubscriptionState {
  customerId: string | null;
  subscriptionId: string;
  plan: string | null;
  seats: number | null;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  /** Stripe event `created` (epoch s), id and type this state comes from. */
  at: number;
  eventId: string;
  eventType: string;
}

/**
 * Where an event type sits in a subscription's life, in SQL: `created` 0, `deleted` 2, others 1.
 * Stripe's `created` has one-second resolution, and a Checkout paid at once emits
 * `customer.subscription.created` (incomplete) and `.updated` (active) in the same second; when
 * they arrive reversed, the event earlier in the subscription's life must not overwrite the later.
 */
const lifecycleRank = (type: RawBuilder<unknown> | ReturnType<typeof sql.ref>) =>
  sql<number>`(case ${type} when 'customer.subscription.created' then 0 when 'customer.subscription.deleted' then 2 else 1 end)`;

/**
 * Store a subscription state unless a newer one is already stored: events may arrive late and out
 * of order; `created` orders them, and within one second the lifecycle rank does (then arrival).
 * Returns whether it was applied.
 */
export async function applySubscriptionState(trx: Trx, tenantId: string, s: SubscriptionState): Promise<boolean> {
  const row = {
    tenant_id: tenantId,
    stripe_customer_id: s.customerId,
    stripe_subscription_id: s.subscriptionId,
    plan: s.plan,
    seats: s.seats,
    status: s.status,
    current_period_end: s.currentPeriodEnd,
    state_at: s.at,
    state_event_id: s.eventId,
  };
  const res = await trx
    .insertInto('billing.accounts')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('tenant_id')
        .doUpdateSet({
          stripe_customer_id: sql`coalesce(excluded.stripe_customer_id, billing.accounts.stripe_customer_id)`,
          stripe_subscription_id: sql`excluded.stripe_subscription_id`,
          plan: sql`excluded.plan`,
          seats: sql`excluded.seats`,
          status: sql`excluded.status`,
          current_period_end: sql`excluded.current_period_end`,
          state_at: sql`excluded.state_at`,
          state_event_id: sql`excluded.state_event_id`,
          updated_at: sql`now()`,
        })
        .where(
          sql<boolean>`billing.accounts.state_at < excluded.state_at or (billing.accounts.state_at = excluded.state_at and ${lifecycleRank(sql`${s.eventType}::text`)} >= coalesce(
            (select ${lifecycleRank(sql.ref('e.type'))} from billing.stripe_events e where e.id = billing.accounts.state_event_id), 0))`,
        ),
    )
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Store an event once; false when its id was stored before (a redelivery). */
export async function insertEvent(db: Db | Trx, e: { id: string; type: string; created: number; livemode: boolean; payload: string }): Promise<boolean> {
  const res = await db.insertInto('billing.stripe_events').values(e).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function findEvent(db: Db | Trx, id: string) {
  return db.selectFrom('billing.stripe_events').select(['id', 'processed_at']).where('id', '=', id).executeTakeFirst();
}

export async function markEvent(db: Db | Trx, id: string, error: string | null): Promise<void> {
  await db
    .updateTable('billing.stripe_events')
    .set(error ? { error } : { processed_at: sql`now()` as unknown as Date, error: null })
    .where('id', '=', id)
    .execute();
}
