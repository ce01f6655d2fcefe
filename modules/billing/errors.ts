import { AppError, notFound } from '../core/errors';
import type { SubscriptionStatus } from './tables';

/** Stable codes of the billing module's expected failures. */
export const BillingErrors = {
  tenantNotFound: (id: string) => notFound('Tenant', id),
  disabled: () =>
    new AppError('BILLING_DISABLED', 404, 'Billing is not enabled on this installation (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not set)'),
  unknownPlan: (plan: string, plans: string[]) =>
    new AppError('FIG_VALIDATION', 400, `Unknown plan '${plan}'`, [{ path: 'body.plan', message: `must be one of: ${plans.join(', ')}` }]),
  noCustomer: (tenantId: string) =>
    new AppError('BILLING_NO_CUSTOMER', 409, `Organisation ${tenantId} has no Stripe customer yet; start a checkout first`),
  badSignature: () => new AppError('BILLING_WEBHOOK_SIGNATURE', 400, 'The Stripe-Signature header does not verify against the webhook signing secret'),
  stripeUnavailable: () => new AppError('BILLING_STRIPE_UNAVAILABLE', 502, 'Stripe could not be reached; try again shortly'),
  inactive: (tenantId: string, status: SubscriptionStatus) =>
    new AppError(
      'BILLING_SUBSCRIPTION_INACTIVE',
      402,
      status === 'none'
        ? `Organisation ${tenantId} has no subscription; an administrator can choose a plan under Billing`
        : `The subscription of organisation ${tenantId} is ${status.replace('_', ' ')}; an administrator can fix the payment under Billing`,
      [],
      { subscriptionStatus: status },
    ),
};
