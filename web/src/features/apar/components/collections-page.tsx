import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { formatRelative } from '../../../lib/format';
import { useCollections } from '../api/timeline';
import { docHref, partyHref } from '../types';
import { AparNav } from './apar-nav';
import { Money, today } from './bits';

/** /app/apar/collections: customers with overdue invoices, most overdue first, with their promise to pay and last note. */
export function CollectionsPage() {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const [asOf, setAsOf] = useState(today());
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useCollections(tid, asOf, cursors.at(-1) ?? null);
  return (
    <div className="page apar">
      <AparNav />
      <div className="page-header">
        <div>
          <h1>Collections</h1>
          <p className="subtitle">Customers with overdue invoices, with promises to pay and notes from their timeline.</p>
        </div>
        <label className="filter">
          <span>As of</span>
          <input type="date" value={asOf} onChange={(e) => e.target.value && (setCursors([]), setAsOf(e.target.value))} />
        </label>
      </div>
      <section className="panel">
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title="Nothing overdue">No customer has an overdue invoice as of {asOf}.</Empty>
        ) : (
          <div className="table-x">
            <table className="table" data-testid="collections">
              <thead>
                <tr>
                  <th>Customer</th>
                  <th className="num">Overdue</th>
                  <th className="num">Days</th>
                  <th>Invoices</th>
                  <th>Promise</th>
                  <th>Last note</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((r) => (
                  <tr key={r.customerId}>
                    <td>
                      <Link to={partyHref('customer', r.customerId)} className="strong-link">
                        {r.name}
                      </Link>
                    </td>
                    <td className="num">
                      <Money value={r.overdueBaseTotal} strong />
                    </td>
                    <td className="num">{r.daysOverdue}</td>
                    <td>
                      {r.invoices.slice(0, 4).map((i) => (
                        <Link key={i.id} to={docHref('invoice', i.id)} className="apar-chip-link" title={`${i.balance} ${i.currency}, ${i.daysOverdue} days`}>
                          {i.number}
                        </Link>
                      ))}
                      {r.invoices.length > 4 && <span className="muted small"> +{r.invoices.length - 4}</span>}
                    </td>
                    <td>
                      {r.promise ? (
                        <>
                          {r.promise.date}
                          {r.promise.amount && (
                            <>
                              {' · '}
                              <Money value={r.promise.amount} />
                            </>
                          )}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="apar-note-cell">
                      {r.lastNote ? (
                        <>
                          <span>{r.lastNote.text}</span>
                          <div className="muted small">
                            {r.lastNote.actor} · {formatRelative(r.lastNote.at)}
                          </div>
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
