import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { formatMoney } from '../../../lib/decimal';
import { usePayments } from '../api/payments';
import { PortalLink } from '../portal-router';
import { Pager } from './pager';

const METHOD: Record<string, string> = {
  bank_transfer: 'Bank transfer',
  card: 'Card',
  cash: 'Cash',
  check: 'Cheque',
};

/** The customer's payments: date, method, amount, what they paid, and any credit left on account. */
export function PortalPaymentsPage({ slug }: { slug: string }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const list = usePayments(slug, cursors.at(-1));
  return (
    <div className="portal-page">
      <div className="page-header">
        <div>
          <h1>Payments</h1>
          <p className="subtitle">Payments we received from you and the invoices they settled.</p>
        </div>
      </div>
      <div className="panel">
        {list.isPending ? (
          <Loading label="Loading payments…" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title="No payments yet">
            Payments show here once they are recorded against your account.
          </Empty>
        ) : (
          <>
            <table className="table" data-testid="portal-payments">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Method</th>
                  <th>Reference</th>
                  <th>Applied to</th>
                  <th className="num">Amount</th>
                  <th className="num">Credit on account</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((p) => (
                  <tr key={p.id}>
                    <td>{p.date}</td>
                    <td>{METHOD[p.method] ?? p.method}</td>
                    <td>{p.reference ?? '—'}</td>
                    <td>
                      {p.allocations.length === 0
                        ? '—'
                        : p.allocations.map((a, i) => (
                            <span key={a.documentId}>
                              {i > 0 && ', '}
                              <PortalLink to={`/portal/${slug}/invoices/${a.documentId}`}>
                                #{a.documentId}
                              </PortalLink>{' '}
                              ({formatMoney(a.amount)})
                            </span>
                          ))}
                    </td>
                    <td className="num">
                      {formatMoney(p.amount)} <span className="muted">{p.currency}</span>
                    </td>
                    <td className="num">{formatMoney(p.unapplied)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              total={list.data.total}
              shown={list.data.data.length}
              hasPrevious={cursors.length > 1}
              hasMore={list.data.hasMore}
              busy={list.isFetching}
              onPrevious={() => setCursors((c) => c.slice(0, -1))}
              onNext={() => setCursors((c) => [...c, list.data.nextCursor ?? undefined])}
            />
          </>
        )}
      </div>
    </div>
  );
}
