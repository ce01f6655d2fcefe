import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { ErrorState, Loading } from '../../../components/ui/states';
import { isZero } from '../../../lib/decimal';
import { can, useSession } from '../../../lib/auth';
import { useDocument } from '../api/documents';
import { useParty } from '../api/parties';
import { useAllocatePayment, usePayment } from '../api/payments';
import { APAR, PAYMENT_BOOKS, docHref, partyHref, type DocumentKind, type PaymentKind } from '../types';
import { AparNav } from './apar-nav';
import { ApplyCreditDialog } from './apply-credit-dialog';
import { Money } from './bits';

/** A document's number (its detail is usually cached already), #id until it loads. */
function DocNumber({ tid, kind, id }: { tid: string; kind: DocumentKind; id: number }) {
  const d = useDocument(tid, kind, id);
  return <>{d.data?.number ?? `#${id}`}</>;
}

/** /app/apar/payments-received/{id}: the payment, its allocations, and applying its unapplied credit. */
export function PaymentPage({ kind, id }: { kind: PaymentKind; id: number }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = PAYMENT_BOOKS[kind];
  const payment = usePayment(tid, kind, id);
  const party = useParty(tid, book.party, payment.data?.partyId ?? 0);
  const allocate = useAllocatePayment(tid, kind, id);
  const [applying, setApplying] = useState(false);
  if (payment.isPending) return <Loading />;
  if (payment.isError) return <ErrorState error={payment.error} onRetry={() => void payment.refetch()} />;
  const p = payment.data;
  return (
    <div className="page apar" data-testid="payment-page">
      <AparNav />
      <div className="breadcrumbs">
        <Link to={`${APAR}/${book.path}`}>{book.plural}</Link> / #{p.id}
      </div>
      <div className="page-header">
        <div>
          <h1>
            {book.label} #{p.id}
          </h1>
          <p className="subtitle">
            {p.date} · {p.method.replace('_', ' ')}
            {p.reference ? ` · ${p.reference}` : ''} · <Link to={partyHref(book.party, p.partyId)}>{party.data?.name ?? `#${p.partyId}`}</Link>
          </p>
        </div>
        <div className="page-actions">
          {can(session, 'apar.write') && !isZero(p.unapplied) && (
            <Button variant="primary" onClick={() => setApplying(true)}>
              Apply credit…
            </Button>
          )}
        </div>
      </div>
      <div className="apar-cards">
        <div className="apar-card">
          <span className="muted">Amount</span>
          <Money value={p.amount} currency={p.currency} strong />
        </div>
        <div className="apar-card">
          <span className="muted">Applied</span>
          <Money value={p.applied} exact />
        </div>
        <div className="apar-card" data-testid="payment-unapplied">
          <span className="muted">Unapplied credit</span>
          <Money value={p.unapplied} strong exact />
        </div>
      </div>
      <section className="panel">
        <div className="panel-header">
          <h2>Allocations</h2>
        </div>
        {p.allocations.length === 0 ? (
          <p className="muted panel-pad">Not applied to any {book.settles} yet.</p>
        ) : (
          <table className="table" data-testid="payment-allocations">
            <thead>
              <tr>
                <th>{book.settles === 'invoice' ? 'Invoice' : 'Bill'}</th>
                <th>Date</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {p.allocations.map((a, i) => (
                <tr key={i}>
                  <td>
                    <Link to={docHref(book.settles, a.documentId)}>
                      <DocNumber tid={tid} kind={book.settles} id={a.documentId} />
                    </Link>
                  </td>
                  <td>{a.date}</td>
                  <td className="num">
                    <Money value={a.amount} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ApplyCreditDialog open={applying} onClose={() => setApplying(false)} title={`Apply payment #${p.id}`} settles={book.settles} partyId={p.partyId} available={p.unapplied} currency={p.currency} apply={allocate} />
    </div>
  );
}
