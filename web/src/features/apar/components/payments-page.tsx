import { useState } from 'react';
import { Link, navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { usePartyOptions } from '../api/parties';
import { usePayments } from '../api/payments';
import { APAR, PARTY_BOOKS, PAYMENT_BOOKS, partyHref, paymentHref, type PaymentKind } from '../types';
import { AparNav } from './apar-nav';
import { Money } from './bits';
import { useDocumentFilter } from './documents-page';

/** /app/apar/payments-received and /app/apar/bill-payments: applied and unapplied per payment. */
export function PaymentsPage({ kind }: { kind: PaymentKind }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = PAYMENT_BOOKS[kind];
  const [filter, setFilter] = useDocumentFilter();
  const [cursors, setCursors] = useState<string[]>([]);
  const list = usePayments(tid, kind, { partyId: filter.partyId, cursor: cursors.at(-1) ?? null });
  const parties = usePartyOptions(tid, book.party);
  const names = new Map(parties.data?.data.map((p) => [p.id, p.name]));
  return (
    <div className="page apar">
      <AparNav />
      <div className="page-header">
        <div>
          <h1>{book.plural}</h1>
          <p className="subtitle">Each payment with what it settled and the credit it still holds.</p>
        </div>
        <div className="page-actions">
          {can(session, 'apar.write') && (
            <Button variant="primary" onClick={() => navigate(`${APAR}/${book.path}/new${filter.partyId ? `?partyId=${filter.partyId}` : ''}`)}>
              Record {book.label.toLowerCase()}…
            </Button>
          )}
        </div>
      </div>
      <div className="toolbar apar-filters">
        <label className="filter">
          <span>{PARTY_BOOKS[book.party].label}</span>
          <select
            value={filter.partyId ?? ''}
            onChange={(e) => {
              setCursors([]);
              setFilter({ partyId: Number(e.target.value) || undefined });
            }}
          >
            <option value="">All {PARTY_BOOKS[book.party].plural.toLowerCase()}</option>
            {parties.data?.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <section className="panel">
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title={`No ${book.plural.toLowerCase()}`}>{filter.partyId ? 'None for this party.' : 'Nothing recorded yet.'}</Empty>
        ) : (
          <table className="table" data-testid="apar-payments">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Date</th>
                <th>{PARTY_BOOKS[book.party].label}</th>
                <th>Method</th>
                <th>Reference</th>
                <th className="num">Amount</th>
                <th className="num">Applied</th>
                <th className="num">Unapplied</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((p) => (
                <tr key={p.id}>
                  <td className="num">
                    <Link to={paymentHref(kind, p.id)} className="strong-link">
                      {p.id}
                    </Link>
                  </td>
                  <td>{p.date}</td>
                  <td>
                    <Link to={partyHref(book.party, p.partyId)}>{names.get(p.partyId) ?? `#${p.partyId}`}</Link>
                  </td>
                  <td>{p.method.replace('_', ' ')}</td>
                  <td>{p.reference ?? <span className="muted">—</span>}</td>
                  <td className="num">
                    <Money value={p.amount} currency={p.currency} />
                  </td>
                  <td className="num">
                    <Money value={p.applied} />
                  </td>
                  <td className="num">
                    <Money value={p.unapplied} strong />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {list.data && (list.data.hasMore || cursors.length > 0) && (
        <div className="pager">
          <Button size="sm" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </Button>
          <Button size="sm" disabled={!list.data.nextCursor} onClick={() => setCursors([...cursors, list.data.nextCursor!])}>
            Next
          </Button>
        </div>
      )}
    </div>
  );
}
