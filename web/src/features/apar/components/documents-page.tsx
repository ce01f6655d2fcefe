import { useState } from 'react';
import { Link, navigate, useLocation } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { useDocuments, type DocumentFilter } from '../api/documents';
import { usePartyOptions } from '../api/parties';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, docHref, partyHref, type DocumentKind } from '../types';
import { AparNav } from './apar-nav';
import { ExportButtons } from './export-buttons';
import { SavedViews } from './saved-views';
import { Money, StatusBadge, isOverdue } from './bits';

const STATUSES = ['', 'open', 'partial', 'paid'] as const;

/** The list's filters, kept in the URL so a filtered list can be linked and reloaded. */
export function useDocumentFilter(): [DocumentFilter, (next: DocumentFilter) => void] {
  const { pathname, search } = useLocation();
  const partyId = Number(search.get('partyId')) || undefined;
  const status = (search.get('status') || undefined) as DocumentFilter['status'];
  const sort = search.get('sort') || undefined;
  const set = (next: DocumentFilter) => {
    const q = new URLSearchParams();
    if (next.partyId) q.set('partyId', String(next.partyId));
    if (next.status) q.set('status', next.status);
    if (next.sort) q.set('sort', next.sort);
    const qs = q.toString();
    navigate(`${pathname}${qs ? `?${qs}` : ''}`, { replace: true });
  };
  return [{ partyId, status, sort }, set];
}

/** A column header that orders the list on the server: ascending, then descending, then back to id order. */
function SortHeader({ field, label, filter, onSort, className }: { field: string; label: string; filter: DocumentFilter; onSort: (f: DocumentFilter) => void; className?: string }) {
  const dir = filter.sort === field ? 'ascending' : filter.sort === `-${field}` ? 'descending' : 'none';
  const next = dir === 'none' ? field : dir === 'ascending' ? `-${field}` : undefined;
  return (
    <th className={className} aria-sort={dir}>
      <button type="button" className="th-sort" onClick={() => onSort({ ...filter, sort: next })}>
        {label}
        {dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}
      </button>
    </th>
  );
}

/** /app/apar/invoices (bills, credit notes, vendor credits): filter by party and status, page by 50. */
export function DocumentsPage({ kind }: { kind: DocumentKind }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = DOCUMENT_BOOKS[kind];
  const [filter, setFilter] = useDocumentFilter();
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useDocuments(tid, kind, { ...filter, cursor: cursors.at(-1) ?? null });
  const parties = usePartyOptions(tid, book.party);
  const names = new Map(parties.data?.data.map((p) => [p.id, p.name]));
  const applyFilter = (next: DocumentFilter) => {
    setCursors([]);
    setFilter(next);
  };

  return (
    <div className="page apar">
      <AparNav />
      <div className="page-header">
        <div>
          <h1>{book.plural}</h1>
          <p className="subtitle">Posted {book.plural.toLowerCase()} with what is left to settle.</p>
        </div>
        <div className="page-actions">
          {can(session, 'apar.write') && (
            <Button variant="primary" onClick={() => navigate(`${APAR}/${book.path}/new${filter.partyId ? `?partyId=${filter.partyId}` : ''}`)}>
              New {book.label.toLowerCase()}…
            </Button>
          )}
        </div>
      </div>
      <div className="toolbar apar-filters" data-testid="apar-filters">
        <label className="filter">
          <span>{PARTY_BOOKS[book.party].label}</span>
          <select name="partyId" value={filter.partyId ?? ''} onChange={(e) => applyFilter({ ...filter, partyId: Number(e.target.value) || undefined })}>
            <option value="">All {PARTY_BOOKS[book.party].plural.toLowerCase()}</option>
            {parties.data?.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <div className="filter">
          <span>Status</span>
          <div className="filter-chips" role="group" aria-label="Status">
            {STATUSES.map((s) => (
              <button key={s || 'all'} type="button" className={`chip ${(filter.status ?? '') === s ? 'chip-active' : ''}`} aria-pressed={(filter.status ?? '') === s} onClick={() => applyFilter({ ...filter, status: s || undefined })}>
                {s || 'all'}
              </button>
            ))}
          </div>
        </div>
        <SavedViews
          list={book.path}
          filters={{ partyId: filter.partyId, status: filter.status, sort: filter.sort }}
          onApply={(f) => applyFilter({ partyId: Number(f.partyId) || undefined, status: (f.status as DocumentFilter['status']) || undefined, sort: (f.sort as string) || undefined })}
        />
        <ExportButtons path={`${book.path}/export`} query={{ partyId: filter.partyId, status: filter.status }} name={book.path} />
      </div>
      <section className="panel">
        {list.isPending ? (
          <Loading label={`Loading ${book.plural.toLowerCase()}…`} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title={`No ${book.plural.toLowerCase()}`}>{filter.partyId || filter.status ? 'Nothing matches these filters.' : `Nothing posted yet.`}</Empty>
        ) : (
          <div className="table-x">
            <table className="table" data-testid="apar-documents">
              <thead>
                <tr>
                  <SortHeader field="number" label="Number" filter={filter} onSort={applyFilter} />
                  <th>{PARTY_BOOKS[book.party].label}</th>
                  <SortHeader field="issueDate" label="Issued" filter={filter} onSort={applyFilter} />
                  <SortHeader field="dueDate" label="Due" filter={filter} onSort={applyFilter} />
                  <th>Status</th>
                  <SortHeader field="amount" label="Amount" filter={filter} onSort={applyFilter} className="num" />
                  <th className="num">Balance</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((d) => (
                  <tr key={d.id} data-number={d.number}>
                    <td>
                      <Link to={docHref(kind, d.id)} className="strong-link">
                        {d.number}
                      </Link>
                    </td>
                    <td>
                      <Link to={partyHref(book.party, d.partyId)}>{names.get(d.partyId) ?? `#${d.partyId}`}</Link>
                    </td>
                    <td>{d.issueDate}</td>
                    <td>{d.dueDate}</td>
                    <td>
                      <StatusBadge status={d.status} overdue={!book.settles && isOverdue(d.dueDate, d.status)} />
                    </td>
                    <td className="num">
                      <Money value={d.amount} currency={d.currency} />
                    </td>
                    <td className="num">
                      <Money value={d.balance} currency={d.currency} strong />
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
          <span className="muted">{list.data.total} {book.plural.toLowerCase()}</span>
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
