import { useState, type ReactNode } from 'react';
import { Link, navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { ErrorState, Loading } from '../../../components/ui/states';
import { isZero } from '../../../lib/decimal';
import { can, useSession } from '../../../lib/auth';
import { useApplyCredit, useDocument, useEditDocument, useSendInvoice } from '../api/documents';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { FormError } from '../../../components/ui/states';
import { errorAt } from './field-errors';
import { useParty } from '../api/parties';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, PAYMENT_BOOKS, docHref, partyHref, paymentHref, type DocumentDetail, type DocumentKind } from '../types';
import { AparNav } from './apar-nav';
import { TimelinePanel } from './timeline';
import { ApplyCreditDialog } from './apply-credit-dialog';
import { Money, StatusBadge, isOverdue, percent } from './bits';
import { WriteOffDialog } from './write-off-dialog';

const SOURCE_LABEL: Record<string, string> = { received: 'Payment', made: 'Bill payment', credit_note: 'Credit note', vendor_credit: 'Vendor credit', write_off: 'Write-off' };

/** Where an allocation came from (a payment or a credit document), as a link when fig has a page for it. */
function sourceHref(kind: string, id: number): string | undefined {
  if (kind === 'received' || kind === 'made') return paymentHref(kind, id);
  if (kind === 'credit_note' || kind === 'vendor_credit' || kind === 'invoice' || kind === 'bill') return docHref(kind, id);
  return undefined;
}

/** A posted document's one editable field; amounts and lines are corrected with a credit note or a write-off. */
function EditDescriptionDialog({ tid, doc, onClose }: { tid: string; doc: DocumentDetail; onClose: () => void }) {
  const edit = useEditDocument(tid, doc.kind, doc.id);
  const [description, setDescription] = useState(doc.description ?? '');
  return (
    <Dialog
      open
      title={`Edit ${doc.number}`}
      onClose={onClose}
      onSubmit={() => edit.mutate({ description: description.trim() || null }, { onSuccess: onClose })}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={edit.isPending}>
            Save
          </Button>
        </>
      }
    >
      <p className="muted">A posted document keeps its lines and amounts: correct those with a credit note or a write-off.</p>
      <Field label="Description" name="description" autoFocus value={description} onChange={(e) => setDescription(e.target.value)} error={errorAt(edit.error, 'description')} />
      <FormError error={edit.error} shownFields={['description']} />
    </Dialog>
  );
}

/** /app/apar/invoices/{id} (bills, credit notes, vendor credits): header, lines, allocations and actions. */
export function DocumentPage({ kind, id, approvalSlot }: { kind: DocumentKind; id: number; approvalSlot?: (d: DocumentDetail) => ReactNode }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = DOCUMENT_BOOKS[kind];
  const doc = useDocument(tid, kind, id);
  const party = useParty(tid, book.party, doc.data?.partyId ?? 0);
  const apply = useApplyCredit(tid, kind, id);
  const send = useSendInvoice(tid, id);
  const [applying, setApplying] = useState(false);
  const [writingOff, setWritingOff] = useState(false);
  const [editing, setEditing] = useState(false);
  if (doc.isPending) return <Loading />;
  if (doc.isError) return <ErrorState error={doc.error} onRetry={() => void doc.refetch()} />;
  const d = doc.data;
  const partyBook = PARTY_BOOKS[book.party];
  const open = !isZero(d.balance);
  const credit = !!book.settles;
  // A credit's balance is what it still has to give (negative on the ledger).
  const available = d.balance.startsWith('-') ? d.balance.slice(1) : d.balance;
  return (
    <div className="page apar" data-testid="document-page" data-status={d.status}>
      <AparNav />
      <div className="breadcrumbs">
        <Link to={`${APAR}/${book.path}`}>{book.plural}</Link> / {d.number}
      </div>
      <div className="page-header">
        <div>
          <h1>
            {book.label} {d.number} <StatusBadge status={d.status} overdue={!credit && isOverdue(d.dueDate, d.status)} />
          </h1>
          <p className="subtitle">
            <Link to={partyHref(book.party, d.partyId)}>{party.data?.name ?? `${partyBook.label} #${d.partyId}`}</Link> · issued {d.issueDate} · due {d.dueDate}
            {d.description ? ` · ${d.description}` : ''}
          </p>
        </div>
        <div className="page-actions">
          {can(session, 'apar.write') && open && !credit && (d.approval === 'approved' || d.approval === 'not_required') && (
            <Button variant="primary" onClick={() => navigate(`${APAR}/${PAYMENT_BOOKS[partyBook.payment].path}/new?partyId=${d.partyId}&documentId=${d.id}&amount=${d.balance}`)}>
              Record payment…
            </Button>
          )}
          {can(session, 'apar.write') && open && credit && (
            <Button variant="primary" onClick={() => setApplying(true)}>
              Apply to {book.settles}s…
            </Button>
          )}
          {can(session, 'apar.write') && kind === 'invoice' && (
            <Button data-testid="send-invoice" busy={send.isPending} onClick={() => send.mutate()}>
              {d.sentAt ? 'Send again' : 'Send to customer'}
            </Button>
          )}
          {can(session, 'apar.write') && <Button onClick={() => setEditing(true)}>Edit…</Button>}
          {can(session, 'apar.writeoff') && open && !credit && (
            <Button variant="danger" onClick={() => setWritingOff(true)}>
              Write off…
            </Button>
          )}
        </div>
      </div>
      <div className="apar-cards">
        <div className="apar-card">
          <span className="muted">Amount</span>
          <Money value={d.amount} currency={d.currency} strong />
        </div>
        <div className="apar-card">
          <span className="muted">{credit ? 'Applied' : 'Paid'}</span>
          <Money value={d.amountPaid} />
        </div>
        <div className="apar-card" data-testid="document-balance">
          <span className="muted">{credit ? 'Left to apply' : 'Balance'}</span>
          <Money value={d.balance} strong />
        </div>
        {d.currency !== 'USD' || d.exchangeRate !== '1' ? (
          <div className="apar-card">
            <span className="muted">Exchange rate</span>
            <span className="apar-money">{d.exchangeRate}</span>
          </div>
        ) : null}
      </div>
      {kind === 'invoice' && (d.sentAt || send.error) ? (
        <div className="apar-sent" data-testid="invoice-sent">
          {d.sentAt ? <p className="muted">Sent to the customer {d.sentAt.slice(0, 16).replace('T', ' ')} UTC</p> : null}
          <FormError error={send.error} />
        </div>
      ) : null}
      {approvalSlot?.(d)}
      <section className="panel">
        <div className="panel-header">
          <h2>Lines</h2>
        </div>
        <table className="table" data-testid="document-lines">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Description</th>
              <th className="num">Quantity</th>
              <th className="num">Unit price</th>
              <th className="num">Tax rate</th>
              <th className="num">Net</th>
              <th className="num">Tax</th>
              <th className="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {d.lines.map((l) => (
              <tr key={l.position}>
                <td className="num muted">{l.position}</td>
                <td>{l.description || <span className="muted">—</span>}</td>
                <td className="num">{l.quantity}</td>
                <td className="num">
                  <Money value={l.unitPrice} />
                </td>
                <td className="num">{percent(l.taxRate)}</td>
                <td className="num">
                  <Money value={l.net} />
                </td>
                <td className="num">
                  <Money value={l.tax} />
                </td>
                <td className="num">
                  <Money value={l.total} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="apar-totals">
            <tr>
              <td colSpan={7}>Subtotal</td>
              <td className="num">
                <Money value={d.subtotal} />
              </td>
            </tr>
            <tr>
              <td colSpan={7}>Tax</td>
              <td className="num">
                <Money value={d.taxTotal} />
              </td>
            </tr>
            <tr className="apar-grand">
              <td colSpan={7}>Total {d.currency}</td>
              <td className="num">
                <Money value={d.amount} strong />
              </td>
            </tr>
          </tfoot>
        </table>
      </section>
      <section className="panel">
        <div className="panel-header">
          <h2>{credit ? 'Applied to' : 'Settled by'}</h2>
        </div>
        {d.allocations.length === 0 ? (
          <p className="muted panel-pad">Nothing yet.</p>
        ) : (
          <table className="table" data-testid="document-allocations">
            <thead>
              <tr>
                <th>Date</th>
                <th>{credit ? 'Document' : 'From'}</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {d.allocations.map((a, i) => {
                const [k, n] = credit ? [a.docKind, a.docId] : [a.sourceKind, a.sourceId];
                const href = sourceHref(k, n);
                const label = `${SOURCE_LABEL[k] ?? DOCUMENT_BOOKS[k as DocumentKind]?.label ?? k} #${n}`;
                return (
                  <tr key={i}>
                    <td>{a.date}</td>
                    <td>{href ? <Link to={href}>{label}</Link> : label}</td>
                    <td className="num">
                      <Money value={a.amount} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <TimelinePanel scope={{ of: 'document', kind, id }} party={{ kind: book.party, id: d.partyId }} />
      {credit && (
        <ApplyCreditDialog open={applying} onClose={() => setApplying(false)} title={`Apply ${d.number}`} settles={book.settles!} partyId={d.partyId} available={available} currency={d.currency} apply={apply} />
      )}
      {editing && <EditDescriptionDialog tid={tid} doc={d} onClose={() => setEditing(false)} />}
      {!credit && writingOff && <WriteOffDialog doc={d} open={writingOff} onClose={() => setWritingOff(false)} />}
    </div>
  );
}
