import { useState } from 'react';
import { Link, navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { useCreateParty, useParties } from '../api/parties';
import { PARTY_BOOKS, partyHref, type PartyKind } from '../types';
import { AparNav } from './apar-nav';
import { Money } from './bits';

function NewPartyDialog({ tid, kind, open, onClose }: { tid: string; kind: PartyKind; open: boolean; onClose: () => void }) {
  const book = PARTY_BOOKS[kind];
  const create = useCreateParty(tid, kind);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const err = create.error instanceof ApiError ? create.error : undefined;
  return (
    <Dialog
      open={open}
      title={`New ${book.label.toLowerCase()}`}
      onClose={onClose}
      onSubmit={() => create.mutate({ name: name.trim(), email: email.trim() || null }, { onSuccess: (p) => navigate(partyHref(kind, p.id)) })}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create
          </Button>
        </>
      }
    >
      <Field label="Name" name="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} error={err?.fieldError('name')} />
      <Field label="Billing e-mail" name="email" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} error={err?.fieldError('email')} />
      <FormError error={create.error} shownFields={['name', 'email']} />
    </Dialog>
  );
}

/** /app/apar/customers and /app/apar/vendors: the book with each party's balance. */
export function PartiesPage({ kind }: { kind: PartyKind }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = PARTY_BOOKS[kind];
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useParties(tid, kind, cursors.at(-1) ?? null);
  const [creating, setCreating] = useState(false);
  return (
    <div className="page apar">
      <AparNav />
      <div className="page-header">
        <div>
          <h1>{book.plural}</h1>
          <p className="subtitle">{kind === 'customer' ? 'Who owes us: balance of open invoices less unapplied credit.' : 'Whom we owe: balance of open bills less unapplied credit.'}</p>
        </div>
        <div className="page-actions">
          {can(session, 'apar.write') && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              New {book.label.toLowerCase()}…
            </Button>
          )}
        </div>
      </div>
      <section className="panel">
        {list.isPending ? (
          <Loading label={`Loading ${book.plural.toLowerCase()}…`} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title={`No ${book.plural.toLowerCase()} yet`}>Create one to start billing.</Empty>
        ) : (
          <table className="table" data-testid="apar-parties">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Name</th>
                <th>E-mail</th>
                <th className="num">Contacts</th>
                <th className="num">Balance</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((p) => (
                <tr key={p.id}>
                  <td className="num muted">{p.id}</td>
                  <td>
                    <Link to={partyHref(kind, p.id)} className="strong-link">
                      {p.name}
                    </Link>
                  </td>
                  <td>{p.email ?? <span className="muted">—</span>}</td>
                  <td className="num">{p.contacts.length}</td>
                  <td className="num">
                    <Money value={p.balance} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
      <NewPartyDialog tid={tid} kind={kind} open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
