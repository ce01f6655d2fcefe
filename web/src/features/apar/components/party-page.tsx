import { useState } from 'react';
import { Link, navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { useDocuments } from '../api/documents';
import { useAddContact, useParty, useRevokePortalAccess } from '../api/parties';
import { useStatement } from '../api/reports';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, PAYMENT_BOOKS, docHref, type PartyKind } from '../types';
import { AparNav } from './apar-nav';
import { TimelinePanel } from './timeline';
import { downloadApar } from '../api/exports';
import { useMutation } from '@tanstack/react-query';
import { toast } from '../../../components/ui/toast';
import { Money, StatusBadge, addDays, isOverdue, today } from './bits';
import { errorAt } from './field-errors';

/** Words for the statement's ledger sources. */
const ENTRY: Record<string, string> = { received: 'payment', made: 'bill payment', credit_note: 'credit note', vendor_credit: 'vendor credit', write_off: 'write-off' };

function ContactDialog({ tid, kind, id, open, onClose }: { tid: string; kind: PartyKind; id: number; open: boolean; onClose: () => void }) {
  const add = useAddContact(tid, kind, id);
  const [c, setC] = useState({ name: '', email: '', phone: '', role: '' });
  return (
    <Dialog
      open={open}
      title="Add contact"
      onClose={onClose}
      onSubmit={() => add.mutate({ name: c.name.trim(), email: c.email.trim() || null, phone: c.phone.trim() || null, role: c.role.trim() || null }, { onSuccess: onClose })}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={add.isPending}>
            Add
          </Button>
        </>
      }
    >
      {(['name', 'email', 'phone', 'role'] as const).map((f) => (
        <Field key={f} label={f[0]!.toUpperCase() + f.slice(1)} name={f} value={c[f]} onChange={(e) => setC({ ...c, [f]: e.target.value })} error={errorAt(add.error, f)} />
      ))}
      <FormError error={add.error} shownFields={['name', 'email', 'phone', 'role']} />
    </Dialog>
  );
}

/** The statement of account for a period: opening balance, every ledger entry with the running balance, closing. */
function StatementPanel({ tid, kind, id }: { tid: string; kind: PartyKind; id: number }) {
  const [from, setFrom] = useState(addDays(today(), -90));
  const [to, setTo] = useState(today());
  const st = useStatement(tid, kind, id, from, to);
  const pdf = useMutation({
    mutationFn: () => downloadApar(tid, `${PARTY_BOOKS[kind].path}/${id}/statement.pdf`, { from, to }, `statement-${id}.pdf`),
    onError: (e) => toast(`Download failed: ${e.message}`, 'error'),
  });
  return (
    <section className="panel" data-testid="statement">
      <div className="panel-header">
        <h2>Statement of account</h2>
        <div className="apar-inline">
          <label className="filter">
            <span>From</span>
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="filter">
            <span>To</span>
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <Button size="sm" busy={pdf.isPending} onClick={() => pdf.mutate()}>
            PDF
          </Button>
        </div>
      </div>
      {st.isPending ? (
        <Loading />
      ) : st.isError ? (
        <ErrorState error={st.error} onRetry={() => void st.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Date</th>
              <th>Entry</th>
              <th className="num">Amount</th>
              <th className="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            <tr className="apar-subtle">
              <td>{st.data.from}</td>
              <td>Opening balance</td>
              <td />
              <td className="num">
                <Money value={st.data.opening} />
              </td>
            </tr>
            {st.data.entries.map((e, i) => (
              <tr key={i}>
                <td>{e.date}</td>
                <td>
                  {ENTRY[e.sourceKind] ?? e.sourceKind.replace('_', ' ')} #{e.sourceId}
                  {e.documentId !== null && e.documentId !== e.sourceId && <span className="muted"> → #{e.documentId}</span>}
                </td>
                <td className="num">
                  <Money value={e.amount} />
                </td>
                <td className="num">
                  <Money value={e.balance} />
                </td>
              </tr>
            ))}
            <tr className="apar-grand">
              <td>{st.data.to}</td>
              <td>Closing balance</td>
              <td />
              <td className="num">
                <Money value={st.data.closing} strong />
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}

/** /app/apar/customers/{id} and /app/apar/vendors/{id}: contacts, balance, open documents, statement. */
export function PartyPage({ kind, id }: { kind: PartyKind; id: number }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = PARTY_BOOKS[kind];
  const docBook = DOCUMENT_BOOKS[book.document];
  const party = useParty(tid, kind, id);
  const docs = useDocuments(tid, book.document, { partyId: id });
  const [adding, setAdding] = useState(false);
  const revoke = useRevokePortalAccess(tid, id);
  const write = can(session, 'apar.write');
  if (party.isPending) return <Loading />;
  if (party.isError) return <ErrorState error={party.error} onRetry={() => void party.refetch()} />;
  const p = party.data;
  return (
    <div className="page apar" data-testid="party-page">
      <AparNav />
      <div className="breadcrumbs">
        <Link to={`${APAR}/${book.path}`}>{book.plural}</Link> / {p.name}
      </div>
      <div className="page-header">
        <div>
          <h1>{p.name}</h1>
          <p className="subtitle">{p.email ?? 'No billing e-mail'}</p>
        </div>
        {write && (
          <div className="page-actions">
            <Button onClick={() => navigate(`${APAR}/${DOCUMENT_BOOKS[book.credit].path}/new?partyId=${id}`)}>New {DOCUMENT_BOOKS[book.credit].label.toLowerCase()}…</Button>
            <Button onClick={() => navigate(`${APAR}/${PAYMENT_BOOKS[book.payment].path}/new?partyId=${id}`)}>Record {PAYMENT_BOOKS[book.payment].label.toLowerCase()}…</Button>
            <Button variant="primary" onClick={() => navigate(`${APAR}/${docBook.path}/new?partyId=${id}`)}>
              New {docBook.label.toLowerCase()}…
            </Button>
            {kind === 'customer' && (
              <Button
                variant="danger"
                data-testid="revoke-portal"
                busy={revoke.isPending}
                onClick={() => {
                  if (window.confirm(`End every client portal session and sign-in link of ${p.name} now?`)) revoke.mutate();
                }}
              >
                Revoke portal access
              </Button>
            )}
          </div>
        )}
      </div>
      {revoke.isSuccess && <p className="muted" data-testid="portal-revoked">Portal access revoked: every session and sign-in link of this customer has stopped working.</p>}
      <FormError error={revoke.error} />
      <div className="apar-cards">
        <div className="apar-card" data-testid="party-balance">
          <span className="muted">Balance</span>
          <Money value={p.balance} strong />
        </div>
      </div>
      <div className="apar-two">
        <section className="panel">
          <div className="panel-header">
            <h2>{docBook.plural}</h2>
            <Link to={`${APAR}/${docBook.path}?partyId=${id}`} className="small">
              All {docBook.plural.toLowerCase()} →
            </Link>
          </div>
          {docs.isPending ? (
            <Loading />
          ) : docs.isError ? (
            <ErrorState error={docs.error} onRetry={() => void docs.refetch()} />
          ) : docs.data.data.length === 0 ? (
            <Empty title={`No ${docBook.plural.toLowerCase()}`} />
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Number</th>
                  <th>Due</th>
                  <th>Status</th>
                  <th className="num">Amount</th>
                  <th className="num">Balance</th>
                </tr>
              </thead>
              <tbody>
                {docs.data.data.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={docHref(d.kind, d.id)} className="strong-link">
                        {d.number}
                      </Link>
                    </td>
                    <td>{d.dueDate}</td>
                    <td>
                      <StatusBadge status={d.status} overdue={isOverdue(d.dueDate, d.status)} />
                    </td>
                    <td className="num">
                      <Money value={d.amount} currency={d.currency} />
                    </td>
                    <td className="num">
                      <Money value={d.balance} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel">
          <div className="panel-header">
            <h2>Contacts</h2>
            {write && (
              <Button size="sm" onClick={() => setAdding(true)}>
                Add contact…
              </Button>
            )}
          </div>
          {p.contacts.length === 0 ? (
            <p className="muted panel-pad">No contacts.</p>
          ) : (
            <ul className="apar-contacts">
              {p.contacts.map((c) => (
                <li key={c.id}>
                  <span className="strong">{c.name}</span>
                  {c.role && <span className="muted"> · {c.role}</span>}
                  <div className="muted small">{[c.email, c.phone].filter(Boolean).join(' · ') || '—'}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <div className="apar-two">
        <StatementPanel tid={tid} kind={kind} id={id} />
        <TimelinePanel scope={{ of: 'party', kind, id }} party={{ kind, id }} />
      </div>
      <ContactDialog tid={tid} kind={kind} id={id} open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
