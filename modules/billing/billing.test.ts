import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, ownerDb } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { startStripeStandIn } from './stripe-stand-in.test-helper';

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';
const stripe = new Stripe('sk_test_unused');

/** A recorded Stripe event fixture for `tenantId`, as the exact bytes Stripe would send. */
const fixture = (name: string, tenantId: string) =>
  readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8').replaceAll('{{TENANT_ID}}', tenantId);

let standIn: Awaited<ReturnType<typeof startStripeStandIn>>;
let app: FastifyInstance;
let config: Awaited<ReturnType<typeof buildTestApp>>['config'];

beforeAll(async () => {
  standIn = await startStripeStandIn();
  ({ app, config } = await buildTestApp({
    STRIPE_SECRET_KEY: 'sk_test_fig_stand_in',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: standIn.url,
    STRIPE_PRICES: 'standard:price_std_monthly,pro:price_pro_monthly',
  }));
});
afterAll(async () => {
  await app?.close();
  await standIn?.close();
});

const deliver = (payload: string, secret = WEBHOOK_SECRET) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/billing/stripe-webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }) },
    payload,
  });

describe('billing with Stripe (local stand-in, signed fixtures)', () => {
  it('starts a Checkout for plan × seats, creating the Stripe customer once', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const url = `/api/v1/tenants/${admin.tenantId}/billing/checkout`;
    const body = { plan: 'standard', seats: 12, successUrl: 'https://fig.test/app/billing?ok=1', cancelUrl: 'https://fig.test/app/billing' };
    const first = await app.inject({ method: 'POST', url, headers: admin.headers, payload: body });
    expect(first.statusCode).toBe(201);
    expect(first.json().url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const second = await app.inject({ method: 'POST', url, headers: admin.headers, payload: { ...body, seats: 15 } });
    expect(second.statusCode).toBe(201);

    const mine = standIn.calls.filter((c) => c.form['metadata[tenant_id]'] === admin.tenantId || c.form.client_reference_id === admin.tenantId);
    const customers = mine.filter((c) => c.path === '/v1/customers');
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ method: 'POST', idempotencyKey: `fig-customer-${admin.tenantId}`, authorization: 'Bearer sk_test_fig_stand_in' });
    const sessions = mine.filter((c) => c.path === '/v1/checkout/sessions');
    const customerId = sessions[0]!.form.customer;
    expect(customerId).toMatch(/^cus_stand_in_\d+$/);
    expect(sessions.map((s) => [s.form.customer, s.form['line_items[0][price]'], s.form['line_items[0][quantity]'], s.form.mode])).toEqual([
      [customerId, 'price_std_monthly', '12', 'subscription'],
      [customerId, 'price_std_monthly', '15', 'subscription'],
    ]);
    expect(sessions[0]!.form['subscription_data[metadata][tenant_id]']).toBe(admin.tenantId);

    const state = await app.inject({ url: `/api/v1/tenants/${admin.tenantId}/billing`, headers: admin.headers });
    expect(state.json()).toMatchObject({ enabled: true, plans: ['standard', 'pro'], status: 'none', active: false, hasCustomer: true });
  });

  it('refuses an unknown plan with a problem naming the field', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/billing/checkout`,
      headers: admin.headers,
      payload: { plan: 'gold', seats: 1, successUrl: 'https://fig.test/ok', cancelUrl: 'https://fig.test/no' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, errors: [{ path: 'body.plan', message: 'must be one of: standard, pro' }] });
  });

  it('rejects a webhook whose signature does not verify, storing nothing', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const res = await deliver(fixture('subscription-updated-active', admin.tenantId), 'whsec_someone_else_0123456789abcdef');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: 'BILLING_WEBHOOK_SIGNATURE' });
    const owner = ownerDb(config);
    try {
      const rows = await owner.selectFrom('billing.stripe_events').select('id').where('payload', '@>', JSON.stringify({ data: { object: { metadata: { tenant_id: admin.tenantId } } } }) as never).execute();
      expect(rows).toEqual([]);
    } finally {
      await owner.destroy();
    }
  });

  it('applies subscription events idempotently and out of order, and gates feature writes on the state', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const tid = admin.tenantId;
    const createPlan = () => app.inject({ method: 'POST', url: `/api/v1/tenants/${tid}/bonus-plans`, headers: admin.headers, payload: { name: `Plan ${Math.random()}` } });

    // No subscription: writes are refused with a clear problem, reads still work.
    const refused = await createPlan();
    expect(refused.statusCode).toBe(402);
    expect(refused.json()).toMatchObject({ title: 'Payment Required', status: 402, code: 'BILLING_SUBSCRIPTION_INACTIVE', subscriptionStatus: 'none', detail: `Organisation ${tid} has no subscription; an administrator can choose a plan under Billing` });
    expect((await app.inject({ url: `/api/v1/tenants/${tid}/bonus-plans`, headers: admin.headers })).statusCode).toBe(200);

    // The newer event (active) arrives before the older one (incomplete): the newer state stays.
    expect((await deliver(fixture('checkout-session-completed', tid))).json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(fixture('subscription-updated-active', tid))).json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(fixture('subscription-created-incomplete', tid))).json()).toEqual({ received: true, duplicate: false });
    // Stripe redelivers: stored once, acknowledged, not applied again.
    expect((await deliver(fixture('subscription-updated-active', tid))).json()).toEqual({ received: true, duplicate: true });

    const state = await app.inject({ url: `/api/v1/tenants/${tid}/billing`, headers: admin.headers });
    expect(state.json()).toEqual({
      enabled: true,
      plans: ['standard', 'pro'],
      plan: 'standard',
      seats: 12,
      status: 'active',
      active: true,
      currentPeriodEnd: new Date(1766592000 * 1000).toISOString(),
      hasCustomer: true,
    });
    expect((await createPlan()).statusCode).toBe(201);

    // Payment fails later: past due, writes refused again, the message says why.
    await deliver(fixture('subscription-updated-past-due', tid));
    const pastDue = await createPlan();
    expect(pastDue.statusCode).toBe(402);
    expect(pastDue.json()).toMatchObject({ code: 'BILLING_SUBSCRIPTION_INACTIVE', subscriptionStatus: 'past_due', detail: `The subscription of organisation ${tid} is past due; an administrator can fix the payment under Billing` });

    const owner = ownerDb(config);
    try {
      const events = await owner.selectFrom('billing.stripe_events').select(['id', 'processed_at']).where('id', 'in', ['evt_1QfigSubActive', 'evt_1QfigSubCreated']).execute();
      expect(events).toHaveLength(2);
      expect(events.every((e) => e.processed_at !== null)).toBe(true);
    } finally {
      await owner.destroy();
    }
  });

  it('keeps the later state when a subscription is created and paid in the same second and the events arrive reversed', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const tid = admin.tenantId;
    const sameSecond = (name: string, id: string) => fixture(name, tid).replace(/"created": \d+/, '"created": 1764000060').replaceAll(/"id": "evt_[A-Za-z0-9]+"/g, `"id": "${id}"`).replaceAll('sub_1QfigTest', 'sub_same_second').replaceAll('cus_QfigTest', 'cus_same_second');
    expect((await deliver(sameSecond('subscription-updated-active', 'evt_same_second_updated'))).statusCode).toBe(200);
    expect((await deliver(sameSecond('subscription-created-incomplete', 'evt_same_second_created'))).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/v1/tenants/${tid}/billing`, headers: admin.headers })).json()).toMatchObject({ status: 'active', active: true });
    // Cancelled in that same second too (deleted is last in a subscription's life): it wins either way.
    const deleted = sameSecond('subscription-updated-past-due', 'evt_same_second_deleted').replace('"type": "customer.subscription.updated"', '"type": "customer.subscription.deleted"');
    expect((await deliver(deleted)).statusCode).toBe(200);
    expect((await deliver(sameSecond('subscription-updated-active', 'evt_same_second_updated_again'))).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/v1/tenants/${tid}/billing`, headers: admin.headers })).json()).toMatchObject({ status: 'canceled', active: false });
  });

  it('opens the Billing Portal for the organisation\'s customer, and needs billing.manage', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const completed = await deliver(fixture('checkout-session-completed', admin.tenantId).replaceAll('evt_1QfigCheckout', 'evt_portal_checkout').replaceAll('cus_QfigTest', 'cus_portal'));
    expect(completed.statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: `/api/v1/tenants/${admin.tenantId}/billing/portal`, headers: admin.headers, payload: { returnUrl: 'https://fig.test/app/billing' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect(standIn.calls.at(-1)).toMatchObject({ path: '/v1/billing_portal/sessions', form: { customer: 'cus_portal', return_url: 'https://fig.test/app/billing' } });

    const hr = await loginAs(app, { roles: ['hr'], tenantId: admin.tenantId });
    const denied = await app.inject({ method: 'POST', url: `/api/v1/tenants/${admin.tenantId}/billing/portal`, headers: hr.headers, payload: { returnUrl: 'https://fig.test/x' } });
    expect(denied.statusCode).toBe(403);
  });
});

describe('billing off (no STRIPE_* set)', () => {
  it('gates nothing, says it is off, and has no webhook', async () => {
    const { app: off } = await buildTestApp();
    try {
      const admin = await loginAs(off, { roles: ['admin'] });
      const plan = await off.inject({ method: 'POST', url: `/api/v1/tenants/${admin.tenantId}/bonus-plans`, headers: admin.headers, payload: { name: 'No billing here' } });
      expect(plan.statusCode).toBe(201);
      const state = await off.inject({ url: `/api/v1/tenants/${admin.tenantId}/billing`, headers: admin.headers });
      expect(state.json()).toMatchObject({ enabled: false, status: 'none', active: true });
      const hook = await off.inject({ method: 'POST', url: '/api/v1/billing/stripe-webhook', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(hook.statusCode).toBe(404);
      expect(hook.json()).toMatchObject({ code: 'BILLING_DISABLED' });
    } finally {
      await off.close();
    }
  });
});
