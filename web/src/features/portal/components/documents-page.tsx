import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { formatMoney } from '../../../lib/decimal';
import { useDocuments, type PortalDocumentKind } from '../api/documents';
import { PortalLink } from '../portal-router';
import { DocumentStatus } from './document-status';
import { Pager } from './pager';

const TITLES: Record<PortalDocumentKind, { title: string; lead: string; empty: string }> = {
  invoices: {
    title: 'Invoices',
    lead: 'Every invoice addressed to you, with what is still due.',
    empty: 'No invoices yet',
  },
  'credit-notes': {
    title: 'Credit notes',
    lead: 'Credits issued to you and where they were applied.',
    empty: 'No credit notes',
  },
};
const FILTERS = [
  { value: undefined, label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'partial', label: 'Partly paid' },
  { value: 'paid', label: 'Paid' },
];

/** The customer's invoices or credit notes: number, dates, amount, balance, status; filter by status. */
export function PortalDocumentsPage({ slug, kind }: { slug: string; kind: PortalDocumentKind }) {
  const [status, setStatus] = useState<string | undefined>();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const list = useDocuments(slug, kind, status, cursor);
  const t = TITLES[kind];
  const filter = (value: string | undefined) => {
    setStatus(value);
    setCursors([undefined]);
  };
  return (
    <div className="portal-page">
      <div className="page-header">
        <div>
          <h1>{t.title}</h1>
          <p className="subtitle">{t.lead}</p>
        </div>
      </div>
      {kind === 'invoices' && (
        <div className="filter-chips" role="group" aria-label="Status">
          {FILTERS.map((f) => (
            <button
              key={f.label}
              type="button"
              className={`chip ${status === f.value ? 'chip-active' : ''}`}
              aria-pressed={status === f.value}
              onClick={() => filter(f.value)}
            >
              {f.label}
            </button>
          ))}
        </div>
      )}
      <div className="panel">
        {list.isPending ? (
          <Loading label={`Loading ${t.title.toLowerCase()}…`} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty
            title={
              status
                ? `No ${FILTERS.find((f) => f.value === status)?.label.toLowerCase()} ${t.title.toLowerCase()}`
                : t.empty
            }
          >
            {kind === 'invoices'
              ? 'Invoices appear here as soon as they are issued to you.'
              : 'Nothing has been credited to you.'}
          </Empty>
        ) : (
          <>
            <table className="table" data-testid={`portal-${kind}`}>
              <thead>
                <tr>
                  <th>Number</th>
                  <th>Issued</th>
                  <th>{kind === 'invoices' ? 'Due' : 'Date'}</th>
                  <th className="num">Amount</th>
                  <th className="num">{kind === 'invoices' ? 'Balance due' : 'Unapplied'}</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <PortalLink to={`/portal/${slug}/${kind}/${d.id}`} className="strong-link">
                        {d.number}
                      </PortalLink>
                    </td>
                    <td>{d.issueDate}</td>
                    <td>{d.dueDate}</td>
                    <td className="num">
                      {formatMoney(d.amount)} <span className="muted">{d.currency}</span>
                    </td>
                    <td className="num">
                      {formatMoney(d.balance.replace(/^-/, ''))} <span className="muted">{d.currency}</span>
                    </td>
                    <td>
                      <DocumentStatus doc={d} />
                    </td>
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
