import type Stripe from 'stripe';
import { withTenant, type Db } from '../core/db';
import * as repo from './repo';
import type { SubscriptionStatus } from './tables';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idOf = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : (v?.id ?? null));

/** The tenant a Stripe object belongs to: fig puts it in metadata / client_reference_id when it creates them. */
function tenantOf(value: string | null | undefined): string | undefined {
  return value && UUID_RE.test(value) ? value.toLowerCase() : undefined;
}

/**
 * Apply one verified Stripe event to fig's state. Subscription events carry the whole subscription,
 * so applying them in any order converges: a state older than the stored one is ignored
 * (repo.applySubscriptionState). Events fig does not use are stored and acknowledged only.
 */
export async function applyStripeEvent(db: Db, prices: Map<string, string>, event: Stripe.Event): Promise<void> {
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object;
    const tenantId = tenantOf(session.client_reference_id);
    const customer = idOf(session.customer);
    if (tenantId && customer) await withTenant(db, tenantId, (trx) => repo.setCustomer(trx, tenantId, customer));
    return;
  }
  if (event.type.startsWith('customer.subscription.')) {
    const sub = event.data.object as Stripe.Subscription;
    const tenantId = tenantOf(sub.metadata?.tenant_id);
    if (!tenantId) return;
    const item = sub.items?.data?.[0];
    const priceId = item?.price?.id;
    const plan = [...prices].find(([, p]) => p === priceId)?.[0] ?? priceId ?? null;
    const periodEnd = (item as { current_period_end?: number } | undefined)?.current_period_end ?? (sub as { current_period_end?: number }).current_period_end;
    await withTenant(db, tenantId, (trx) =>
      repo.applySubscriptionState(trx, tenantId, {
        customerId: idOf(sub.customer),
        subscriptionId: sub.id,
        plan,
        seats: item?.quantity ?? null,
        status: (event.type === 'customer.subscription.deleted' ? 'canceled' : sub.status) as SubscriptionStatus,
        currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : null,
        at: event.created,
        eventId: event.id,
        eventType: event.type,
      }),
    );
  }
}
