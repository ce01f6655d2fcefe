import type Stripe from 'stripe';
import type { FastifyBaseLogger } from 'fastify';
import { withTenant, withoutTenant, type Db } from '../core/db';
import { BillingErrors } from './errors';
import * as repo from './repo';
import type { BillingState, CheckoutBody, PortalBody } from './schema';
import { billingEnabled, priceMap, type BillingConfig } from './stripe-client';
import { applyStripeEvent } from './apply-event';
import type { SubscriptionStatus } from './tables';

/** Subscription states in which gated features work. */
const ACTIVE: ReadonlySet<SubscriptionStatus> = new Set(['active', 'trialing']);

export interface BillingDeps {
  db: Db;
  log: FastifyBaseLogger;
  config: BillingConfig;
  /** Undefined when billing is off. */
  stripe: Stripe | undefined;
}

/** Call Stripe; a connection failure is a 502 problem, a Stripe refusal is logged and a 502 too. */
async function callStripe<T>(deps: BillingDeps, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    deps.log.error({ err, what }, 'stripe call failed');
    throw BillingErrors.stripeUnavailable();
  }
}

/** The billing use cases (one Stripe customer and subscription per organisation). */
export function createBillingService(deps: BillingDeps) {
  const enabled = billingEnabled(deps.config);
  const prices = priceMap(deps.config);
  const stripe = () => {
    if (!enabled || !deps.stripe) throw BillingErrors.disabled();
    return deps.stripe;
  };

  return {
    enabled,

    /** Plan, seats and subscription state of a tenant. */
    async getState(tenantId: string): Promise<BillingState> {
      const a = await withTenant(deps.db, tenantId, (trx) => repo.findAccount(trx, tenantId));
      const status = a?.status ?? 'none';
      return {
        enabled,
        plans: [...prices.keys()],
        plan: a?.plan ?? null,
        seats: a?.seats ?? null,
        status,
        active: !enabled || ACTIVE.has(status),
        currentPeriodEnd: a?.current_period_end?.toISOString() ?? null,
        hasCustomer: Boolean(a?.stripe_customer_id),
      };
    },

    /** A Stripe Checkout session for `plan` × `seats`; creates the tenant's Stripe customer once. */
    async startCheckout(tenantId: string, body: CheckoutBody): Promise<{ url: string }> {
      const api = stripe();
      const price = prices.get(body.plan);
      if (!price) throw BillingErrors.unknownPlan(body.plan, [...prices.keys()]);
      let customerId = (await withTenant(deps.db, tenantId, (trx) => repo.findAccount(trx, tenantId)))?.stripe_customer_id;
      if (!customerId) {
        // The idempotency key makes a retried or concurrent first checkout create one customer.
        const customer = await callStripe(deps, 'customers.create', () =>
          api.customers.create({ metadata: { tenant_id: tenantId } }, { idempotencyKey: `fig-customer-${tenantId}` }),
        );
        await withTenant(deps.db, tenantId, (trx) => repo.setCustomer(trx, tenantId, customer.id));
        customerId = (await withTenant(deps.db, tenantId, (trx) => repo.findAccount(trx, tenantId)))!.stripe_customer_id!;
      }
      const session = await callStripe(deps, 'checkout.sessions.create', () =>
        api.checkout.sessions.create({
          mode: 'subscription',
          customer: customerId,
          client_reference_id: tenantId,
          line_items: [{ price, quantity: body.seats }],
          subscription_data: { metadata: { tenant_id: tenantId } },
          success_url: body.successUrl,
          cancel_url: body.cancelUrl,
        }),
      );
      return { url: session.url! };
    },

    /** A Billing Portal session (change plan or seats, payment method, invoices, cancel). */
    async openPortal(tenantId: string, body: PortalBody): Promise<{ url: string }> {
      const api = stripe();
      const account = await withTenant(deps.db, tenantId, (trx) => repo.findAccount(trx, tenantId));
      if (!account?.stripe_customer_id) throw BillingErrors.noCustomer(tenantId);
      const session = await callStripe(deps, 'billingPortal.sessions.create', () =>
        api.billingPortal.sessions.create({ customer: account.stripe_customer_id!, return_url: body.returnUrl }),
      );
      return { url: session.url };
    },

    /**
     * A Stripe webhook delivery: verified with the signing secret, stored once by event id, applied
     * once. A redelivery of a processed event only acknowledges; a failure answers 500 so Stripe retries.
     */
    async receiveWebhook(rawBody: Buffer, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
      const api = stripe();
      let event: Stripe.Event;
      try {
        event = api.webhooks.constructEvent(rawBody, signature ?? '', deps.config.STRIPE_WEBHOOK_SECRET!);
      } catch {
        throw BillingErrors.badSignature();
      }
      const payload = rawBody.toString('utf8');
      const fresh = await withoutTenant(deps.db, (trx) =>
        repo.insertEvent(trx, { id: event.id, type: event.type, created: event.created, livemode: event.livemode, payload }),
      );
      if (!fresh) {
        const stored = await withoutTenant(deps.db, (trx) => repo.findEvent(trx, event.id));
        if (stored?.processed_at) return { received: true, duplicate: true };
      }
      try {
        await applyStripeEvent(deps.db, prices, event);
        await withoutTenant(deps.db, (trx) => repo.markEvent(trx, event.id, null));
      } catch (err) {
        deps.log.error({ err, eventId: event.id, type: event.type }, 'stripe event not applied');
        await withoutTenant(deps.db, (trx) => repo.markEvent(trx, event.id, (err as Error).message)).catch(() => undefined);
        throw err;
      }
      return { received: true, duplicate: !fresh };
    },

    /** Refuse with a 402 problem unless the tenant's subscription allows gated features (billing on). */
    async assertActive(tenantId: string): Promise<void> {
      if (!enabled) return;
      const a = await withTenant(deps.db, tenantId, (trx) => repo.findAccount(trx, tenantId));
      const status = a?.status ?? 'none';
      if (!ACTIVE.has(status)) throw BillingErrors.inactive(tenantId, status);
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
