import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ErrorState, Loading } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { openPortal, startCheckout, useBilling } from '../api/billing';

/** /app/admin/billing: plan, seats, subscription status; Checkout and the Billing Portal (Stripe). */
export function BillingPage() {
  const session = useSession();
  const tenantId = session.tenant!.id;
  const q = useBilling(tenantId);
  const manage = can(session, 'billing.manage');
  const [plan, setPlan] = useState('');
  const [seats, setSeats] = useState(10);
  const go = (fn: () => Promise<{ url: string }>) => fn().then(({ url }) => window.location.assign(url));
  const checkout = useMutation({ mutationFn: () => go(() => startCheckout(tenantId, plan || q.data!.plans[0]!, seats)) });
  const portal = useMutation({ mutationFn: () => go(() => openPortal(tenantId)) });
  const error = checkout.error ?? portal.error;

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const b = q.data;
  return (
    <div className="page page-narrow" data-testid="billing">
      <h1>Billing</h1>
      {!b.enabled && <div className="notice">Billing is off on this installation: every feature is available.</div>}
      {b.enabled && !b.active && (
        <div className="form-error" role="alert" data-testid="billing-gated">
          The subscription is {b.status.replace('_', ' ')}: plans, runs and AP/AR can be read and exported but not changed until {manage ? 'you fix it below' : 'an administrator fixes it under Billing'}.
        </div>
      )}
      {b.enabled && (
        <section className="card">
          <dl className="facts">
            <dt>Plan</dt>
            <dd>{b.plan ?? 'none'}</dd>
            <dt>Seats</dt>
            <dd className="num">{b.seats ?? '—'}</dd>
            <dt>Status</dt>
            <dd>
              <Badge tone={b.active ? 'ok' : 'danger'}>{b.status}</Badge>
            </dd>
            <dt>Current period ends</dt>
            <dd>{b.currentPeriodEnd ? new Date(b.currentPeriodEnd).toLocaleDateString() : '—'}</dd>
          </dl>
          {error && <div className="form-error">{error instanceof ApiError ? error.detail : error.message}</div>}
          {manage && (
            <div className="actions">
              {b.status === 'none' || b.status === 'canceled' || b.status === 'incomplete_expired' ? (
                <>
                  <select aria-label="Plan" value={plan || b.plans[0]} onChange={(e) => setPlan(e.target.value)}>
                    {b.plans.map((p) => (
                      <option key={p}>{p}</option>
                    ))}
                  </select>
                  <input aria-label="Seats" type="number" min={1} value={seats} onChange={(e) => setSeats(Math.max(1, Number(e.target.value)))} />
                  <Button variant="primary" busy={checkout.isPending} disabled={!b.plans.length} onClick={() => checkout.mutate()}>
                    Subscribe with Stripe Checkout
                  </Button>
                </>
              ) : null}
              {b.hasCustomer && (
                <Button busy={portal.isPending} onClick={() => portal.mutate()}>
                  Manage in the Billing Portal
                </Button>
              )}
            </div>
          )}
        </section>
      )}
    </div>
  );
}
