import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import { billingRoutes } from './routes';
import { createBillingService, type BillingService } from './service';
import { billingEnabled, createStripe } from './stripe-client';
import { reportTenantUsageJob, reportUsageJob } from './jobs';

export { type BillingService };
export { reportTenantUsageJob, reportUsageJob } from './jobs';
export * as BillingSchemas from './schema';

declare module 'fastify' {
  interface FastifyInstance {
    billing: BillingService;
  }
}

/** Permissions whose writes need an active subscription when billing is on (reads never do). */
const GATED_PERMISSION = /^(plans|runs|apar)\./;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The billing module: Stripe customer and subscription per organisation, Checkout and Billing
 * Portal sessions, the verified webhook, and the gate that refuses feature writes (plans, runs,
 * AP/AR) with a 402 problem while the subscription is not active. Off (no Stripe client, no gate)
 * without STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.
 */
const plugin: FastifyPluginAsync<{ config: Config }> = fp<{ config: Config }>(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const stripe = billingEnabled(config) ? createStripe(config) : undefined;
    const service = createBillingService({ db: app.db, log: app.log, config, stripe });
    app.decorate('billing', service);
    if (service.enabled) {
      // After the auth guard (onRequest): the caller and the route's permission are known.
      app.addHook('preHandler', async (request) => {
        const permission = request.routeOptions.config?.permission;
        const tenantId = request.auth?.tenantId;
        if (!tenantId || !permission || READ_METHODS.has(request.method) || !GATED_PERMISSION.test(permission)) return;
        await service.assertActive(tenantId);
      });
    }
    await app.register(billingRoutes, { prefix: '/api/v1', service });
  },
  { name: 'billing' },
) as FastifyPluginAsync<{ config: Config }>;

export const billingModule: FigModule = { name: 'billing', plugin, jobs: [reportUsageJob, reportTenantUsageJob] };
