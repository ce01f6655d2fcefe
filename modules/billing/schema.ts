import { z } from 'zod';

export const TenantParams = z.object({ tid: z.uuid() });

export const BillingState = z.object({
  enabled: z.boolean().describe('false: billing is off on this installation and nothing is gated'),
  plans: z.array(z.string()).describe('plans that can be bought'),
  plan: z.string().nullable(),
  seats: z.number().int().nullable(),
  status: z.enum(['none', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused']),
  active: z.boolean().describe('whether gated features (plan, run and AP/AR changes) are available'),
  currentPeriodEnd: z.string().nullable(),
  hasCustomer: z.boolean(),
});
export type BillingState = z.infer<typeof BillingState>;

export const CheckoutBody = z
  .object({
    plan: z.string().min(1).max(64),
    seats: z.number().int().min(1).max(100_000),
    successUrl: z.url(),
    cancelUrl: z.url(),
  })
  .strict();
export type CheckoutBody = z.infer<typeof CheckoutBody>;

export const PortalBody = z.object({ returnUrl: z.url() }).strict();
export type PortalBody = z.infer<typeof PortalBody>;

export const SessionUrl = z.object({ url: z.url() });

export const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() });
