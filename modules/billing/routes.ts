import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireTenant } from '../core/auth-context';
import { BillingErrors } from './errors';
import { BillingState, CheckoutBody, PortalBody, SessionUrl, TenantParams, WebhookAck } from './schema';
import type { BillingService } from './service';

/** The session's tenant, after checking `{tid}` is it (another tenant is simply not found). */
function tenantOf(request: FastifyRequest, tid: string): string {
  const tenantId = requireTenant(request);
  if (tenantId !== tid.toLowerCase()) throw BillingErrors.tenantNotFound(tid);
  return tenantId;
}

/** Billing routes under /api/v1. Thin: parse (zod), call the service, answer. */
export async function billingRoutes(appRaw: FastifyInstance, { service }: { service: BillingService }): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['billing'];

  app.get(
    '/tenants/:tid/billing',
    { config: { permission: 'billing.read' }, schema: { tags, summary: 'Plan, seats and subscription state', params: TenantParams, response: { 200: BillingState } } },
    (req) => service.getState(tenantOf(req, req.params.tid)),
  );
  app.post(
    '/tenants/:tid/billing/checkout',
    {
      config: { permission: 'billing.manage' },
      schema: { tags, summary: 'Start a Stripe Checkout for a plan and a number of seats', params: TenantParams, body: CheckoutBody, response: { 201: SessionUrl } },
    },
    async (req, reply) => reply.code(201).send(await service.startCheckout(tenantOf(req, req.params.tid), req.body)),
  );
  app.post(
    '/tenants/:tid/billing/portal',
    {
      config: { permission: 'billing.manage' },
      schema: { tags, summary: 'Open the Stripe Billing Portal (plan, seats, payment method, invoices)', params: TenantParams, body: PortalBody, response: { 201: SessionUrl } },
    },
    async (req, reply) => reply.code(201).send(await service.openPortal(tenantOf(req, req.params.tid), req.body)),
  );

  // Stripe signs the exact bytes it sent: this scope keeps the body raw.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1_048_576 }, (_req, body, done) => done(null, body));
    raw.withTypeProvider<ZodTypeProvider>().post(
      '/billing/stripe-webhook',
      {
        config: { public: true },
        schema: { tags, summary: 'Stripe webhook endpoint (verified with STRIPE_WEBHOOK_SECRET)', response: { 200: WebhookAck } },
      },
      (req) => service.receiveWebhook(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers['stripe-signature'] as string | undefined),
    );
  });
}
