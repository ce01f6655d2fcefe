import Stripe from 'stripe';
import type { Config } from '../core/config';

export type BillingConfig = Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_API_URL' | 'STRIPE_PRICES' | 'STRIPE_USAGE_EVENT'>;

/** Billing is on only with both the secret key and the webhook signing secret. */
export const billingEnabled = (config: BillingConfig): boolean => Boolean(config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET);

/** STRIPE_PRICES parsed: plan → price id. */
export function priceMap(config: BillingConfig): Map<string, string> {
  return new Map((config.STRIPE_PRICES ?? '').split(',').filter(Boolean).map((pair) => pair.split(':') as [string, string]));
}

/** The Stripe SDK client, pointed at STRIPE_API_URL (a local stand-in in tests). */
export function createStripe(config: BillingConfig): Stripe {
  const url = new URL(config.STRIPE_API_URL);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(config.STRIPE_SECRET_KEY!, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
    maxNetworkRetries: 2,
    timeout: 10_000,
    appInfo: { name: 'fig' },
  });
}
