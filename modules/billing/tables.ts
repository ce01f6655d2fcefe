import type { ColumnType, Selectable } from 'kysely';

export type SubscriptionStatus = 'none' | 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export interface AccountTable {
  tenant_id: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  plan: string | null;
  seats: number | null;
  status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined, SubscriptionStatus>;
  current_period_end: Date | null;
  /** bigint: a string from pg. */
  state_at: ColumnType<string, string | number | undefined, string | number>;
  state_event_id: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface StripeEventTable {
  id: string;
  type: string;
  created: ColumnType<string, string | number, never>;
  livemode: boolean;
  payload: ColumnType<unknown, string, never>;
  received_at: ColumnType<Date, never, never>;
  processed_at: Date | null;
  error: string | null;
}

export type Account = Selectable<AccountTable>;

declare module '../core/database' {
  interface Database {
    'billing.accounts': AccountTable;
    'billing.stripe_events': StripeEventTable;
  }
}
