import { useState } from 'react';
import { Link, navigate, useLocation } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { useOpenDocuments } from '../api/documents';
import { usePartyOptions } from '../api/parties';
import { useRecordPayment } from '../api/payments';
import { allocationSummary } from '../totals';
import { APAR, PARTY_BOOKS, PAYMENT_BOOKS, paymentHref, type PaymentKind } from '../types';
import { AllocationEditor, allocationsOf, type AllocationDraft } from './allocation-editor';
import { AparNav } from './apar-nav';
import { today } from './bits';
import { errorAt } from './field-errors';

const METHODS = ['bank_transfer', 'card', 'cash', 'check'];

/** /app/apar/payments-received/new (and bill-payments): record a payment and split it across open documents. */
export function PaymentFormPage({ kind }: { kind: PaymentKind }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = PAYMENT_BOOKS[kind];
  const partyBook = PARTY_BOOKS[book.party];
  const { search } = useLocation();
  const parties = usePartyOptions(tid, book.party);
  const record = useRecordPayment(tid, kind);
  const [partyId, setPartyId] = useState(search.get('partyId') ?? '');
  const [amount, setAmount] = useState(search.get('amount') ?? '');
  const [date, setDate] = useState(today());
  const [currency, setCurrency] = useState('USD');
  const [exchangeRate, setExchangeRate] = useState('1');
  const [method, setMethod] = useState('bank_transfer');
  const [reference, setReference] = useState('');
  const preset = Number(search.get('documentId')) || undefined;
  const [draft, setDraft] = useState<AllocationDraft>(preset && search.get('amount') ? { [preset]: search.get('amount')! } : {});
  const [sent, setSent] = useState<number[]>([]);
  const open = useOpenDocuments(tid, book.settles, Number(partyId) || undefined);
  const sameCurrency = (open.data ?? []).filter((d) => d.currency === currency.trim().toUpperCase());
  // Bills are paid only once approved (the API refuses the others); they are listed apart.
  const docs = sameCurrency.filter((d) => d.approval === 'approved' || d.approval === 'not_required');
  const waiting = sameCurrency.length - docs.length;
  const summary = allocationSummary(amount, docs.map((d) => draft[d.id] ?? ''));
  const err = record.error;

  const submit = () => {
    const allocations = allocationsOf(docs, draft);
    setSent(allocations.map((a) => a.documentId));
    record.mutate(
      {
        partyId: Number(partyId) || 0,
        amount: amount.trim(),
        date,
        currency: currency.trim().toUpperCase(),
        exchangeRate: exchangeRate.trim(),
        method,
        reference: reference.trim() || null,
        allocations,
      },
      { onSuccess: (p) => navigate(paymentHref(kind, p.id)) },
    );
  };

  if (parties.isPending) return <Loading />;
  if (parties.isError) return <ErrorState error={parties.error} onRetry={() => void parties.refetch()} />;
  return (
    <div className="page apar">
      <AparNav />
      <div className="breadcrumbs">
        <Link to={`${APAR}/${book.path}`}>{book.plural}</Link> / New
      </div>
      <div className="page-header">
        <div>
          <h1>Record {book.label.toLowerCase()}</h1>
          <p className="subtitle">Split it across open {book.settles}s; what is not applied stays as the {partyBook.label.toLowerCase()}'s credit.</p>
        </div>
      </div>
      <form
        className="apar-form apar-payment"
        data-testid="payment-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <section className="panel panel-pad apar-form-head">
          <div className={`field ${errorAt(err, 'partyId') ? 'field-invalid' : ''}`}>
            <label htmlFor="pay-party">{partyBook.label}</label>
            <select
              id="pay-party"
              name="partyId"
              value={partyId}
              onChange={(e) => {
                setPartyId(e.target.value);
                setDraft({});
              }}
            >
              <option value="">Choose a {partyBook.label.toLowerCase()}…</option>
              {parties.data.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {errorAt(err, 'partyId') && <div className="field-error">{errorAt(err, 'partyId')}</div>}
          </div>
          <Field label="Amount" name="amount" className="num-input" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={errorAt(err, 'amount')} />
          <Field label="Date" name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={errorAt(err, 'date')} />
          <Field label="Currency" name="currency" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} error={errorAt(err, 'currency')} />
          <Field label="Exchange rate" name="exchangeRate" className="num-input" value={exchangeRate} onChange={(e) => setExchangeRate(e.target.value)} error={errorAt(err, 'exchangeRate')} />
          <div className="field">
            <label htmlFor="pay-method">Method</label>
            <select id="pay-method" name="method" value={method} onChange={(e) => setMethod(e.target.value)}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {m.replace('_', ' ')}
                </option>
              ))}
            </select>
          </div>
          <Field label="Reference" name="reference" value={reference} onChange={(e) => setReference(e.target.value)} error={errorAt(err, 'reference')} />
        </section>
        <section className="panel">
          <div className="panel-header">
            <h2>Allocation</h2>
            {errorAt(err, 'allocations') && <span className="field-error">{errorAt(err, 'allocations')}</span>}
          </div>
          {!partyId ? (
            <p className="muted apar-alloc-empty">Choose a {partyBook.label.toLowerCase()} to see their open {book.settles}s.</p>
          ) : open.isPending ? (
            <Loading label="Loading open documents…" />
          ) : open.isError ? (
            <ErrorState error={open.error} onRetry={() => void open.refetch()} />
          ) : (
            <AllocationEditor docs={docs} amount={amount} draft={draft} onChange={setDraft} error={err} sent={sent} currency={currency.trim().toUpperCase()} />
          )}
          {waiting > 0 && (
            <p className="muted small apar-alloc-empty">
              {waiting} {book.settles}
              {waiting === 1 ? ' is' : 's are'} not approved yet and cannot be paid.
            </p>
          )}
        </section>
        <FormError error={record.error} shownFields={['partyId', 'amount', 'date', 'currency', 'exchangeRate', 'reference', 'allocations']} />
        <div className="apar-form-actions">
          <Button variant="ghost" onClick={() => navigate(`${APAR}/${book.path}`)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={record.isPending} disabled={summary.over || !summary.valid}>
            Record payment
          </Button>
        </div>
      </form>
    </div>
  );
}
