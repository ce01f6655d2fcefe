import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export interface BillingState {
  enabled: boolean;
  plans: string[];
  plan: string | null;
  seats: number | null;
  status: string;
  active: boolean;
  currentPeriodEnd: string | null;
  hasCustomer: boolean;
}

export const billingQuery = (tenantId: string) =>
  queryOptions({ queryKey: ['billing', tenantId], queryFn: () => api<BillingState>(`/api/v1/tenants/${tenantId}/billing`) });
export const useBilling = (tenantId: string) => useQuery(billingQuery(tenantId));

/** POST …/billing/checkout: a Stripe Checkout URL to send the browser to. */
export const startCheckout = (tenantId: string, plan: string, seats: number) => {
  const back = `${window.location.origin}/app/admin/billing`;
  return api<{ url: string }>(`/api/v1/tenants/${tenantId}/billing/checkout`, { method: 'POST', body: { plan, seats, successUrl: `${back}?checkout=done`, cancelUrl: back } });
};

/** POST …/billing/portal: a Stripe Billing Portal URL. */
export const openPortal = (tenantId: string) =>
  api<{ url: string }>(`/api/v1/tenants/${tenantId}/billing/portal`, { method: 'POST', body: { returnUrl: `${window.location.origin}/app/admin/billing` } });
