import { useMemo, useState } from 'react';
import { Link, navigate, useLocation } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { useCreateDocument } from '../api/documents';
import { usePartyOptions } from '../api/parties';
import { documentTotals, taxRate, type LineDraft } from '../totals';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, docHref, type DocumentKind } from '../types';
import { AparNav } from './apar-nav';
import { Money, addDays, today } from './bits';
import { errorAt } from './field-errors';

const blankLine = (): LineDraft => ({ description: '', quantity: '1', unitPrice: '', taxPercent: '0' });

/** /app/apar/invoices/new (and bills, credit notes, vendor credits): lines with live totals, posted on save. */
export function DocumentFormPage({ kind }: { kind: DocumentKind }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const book = DOCUMENT_BOOKS[kind];
  const partyBook = PARTY_BOOKS[book.party];
  const { search } = useLocation();
  const parties = usePartyOptions(tid, book.party);
  const create = useCreateDocument(tid, kind);
  const [partyId, setPartyId] = useState(search.get('partyId') ?? '');
  const [number, setNumber] = useState('');
  const [issueDate, setIssueDate] = useState(today());
  const [dueDate, setDueDate] = useState(addDays(today(), 30));
  const [currency, setCurrency] = useState('USD');
  const [exchangeRate, setExchangeRate] = useState('1');
  const [description, setDescription] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([blankLine()]);
  const totals = useMemo(() => documentTotals(lines), [lines]);
  const err = create.error;
  const setLine = (i: number, patch: Partial<LineDraft>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  const submit = () =>
    create.mutate(
      {
        partyId: Number(partyId) || 0,
        number: number.trim() || undefined,
        issueDate,
        dueDate,
        currency: currency.trim().toUpperCase(),
        exchangeRate: exchangeRate.trim(),
        description: description.trim() || null,
        // A tax percent that is not a number is sent as typed so the server names the field.
        lines: lines.map((l) => ({ description: l.description, quantity: l.quantity.trim(), unitPrice: l.unitPrice.trim(), taxRate: taxRate(l.taxPercent) ?? l.taxPercent })),
      },
      { onSuccess: (d) => navigate(docHref(kind, d.id)) },
    );

  if (parties.isPending) return <Loading label={`Loading ${partyBook.plural.toLowerCase()}…`} />;
  if (parties.isError) return <ErrorState error={parties.error} onRetry={() => void parties.refetch()} />;
  return (
    <div className="page apar">
      <AparNav />
      <div className="breadcrumbs">
        <Link to={`${APAR}/${book.path}`}>{book.plural}</Link> / New
      </div>
      <div className="page-header">
        <h1>New {book.label.toLowerCase()}</h1>
      </div>
      <form
        className="apar-form"
        data-testid="document-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <section className="panel panel-pad apar-form-head">
          <div className={`field ${errorAt(err, 'partyId') ? 'field-invalid' : ''}`}>
            <label htmlFor="doc-party">{partyBook.label}</label>
            <select id="doc-party" name="partyId" value={partyId} onChange={(e) => setPartyId(e.target.value)} aria-invalid={!!errorAt(err, 'partyId') || undefined}>
              <option value="">Choose a {partyBook.label.toLowerCase()}…</option>
              {parties.data.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {errorAt(err, 'partyId') && <div className="field-error">{errorAt(err, 'partyId')}</div>}
          </div>
          <Field label="Number" name="number" placeholder="automatic" value={number} onChange={(e) => setNumber(e.target.value)} error={errorAt(err, 'number')} />
          <Field label="Issue date" name="issueDate" type="date" value={issueDate} onChange={(e) => setIssueDate(e.target.value)} error={errorAt(err, 'issueDate')} />
          <Field label="Due date" name="dueDate" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} error={errorAt(err, 'dueDate')} />
          <Field label="Currency" name="currency" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} error={errorAt(err, 'currency')} />
          <Field label="Exchange rate" name="exchangeRate" className="num-input" value={exchangeRate} onChange={(e) => setExchangeRate(e.target.value)} error={errorAt(err, 'exchangeRate')} hint="to the base currency, at posting" />
          <Field label="Description" name="description" value={description} onChange={(e) => setDescription(e.target.value)} error={errorAt(err, 'description')} />
        </section>
        <section className="panel">
          <div className="panel-header">
            <h2>Lines</h2>
            <Button size="sm" onClick={() => setLines([...lines, blankLine()])}>
              Add line
            </Button>
          </div>
          <table className="table apar-lines" data-testid="document-lines">
            <thead>
              <tr>
                <th>Description</th>
                <th className="num">Quantity</th>
                <th className="num">Unit price</th>
                <th className="num">Tax %</th>
                <th className="num">Net</th>
                <th className="num">Tax</th>
                <th className="num">Total</th>
                <th aria-label="Remove" />
              </tr>
            </thead>
            <tbody>
              {lines.map((l, i) => {
                const t = totals.lines[i];
                const cell = (field: 'quantity' | 'unitPrice' | 'taxRate') => errorAt(err, `lines[${i}].${field}`);
                return (
                  <tr key={i}>
                    <td>
                      <input aria-label={`Line ${i + 1} description`} name={`lines.${i}.description`} value={l.description} onChange={(e) => setLine(i, { description: e.target.value })} />
                      {errorAt(err, `lines[${i}].description`) && <div className="field-error">{errorAt(err, `lines[${i}].description`)}</div>}
                    </td>
                    {(
                      [
                        ['quantity', 'quantity', 'Quantity'],
                        ['unitPrice', 'unitPrice', 'Unit price'],
                        ['taxPercent', 'taxRate', 'Tax %'],
                      ] as const
                    ).map(([key, apiField, label]) => (
                      <td key={key} className={`num ${cell(apiField) ? 'field-invalid' : ''}`}>
                        <input className="num-input apar-num" inputMode="decimal" aria-label={`Line ${i + 1} ${label}`} name={`lines.${i}.${key}`} value={l[key]} aria-invalid={!!cell(apiField) || undefined} onChange={(e) => setLine(i, { [key]: e.target.value })} />
                        {cell(apiField) && <div className="field-error">{cell(apiField)}</div>}
                      </td>
                    ))}
                    <td className="num">{t ? <Money value={t.net} /> : <span className="muted">—</span>}</td>
                    <td className="num">{t ? <Money value={t.tax} /> : <span className="muted">—</span>}</td>
                    <td className="num" data-testid={`line-total-${i}`}>
                      {t ? <Money value={t.total} strong /> : <span className="muted">—</span>}
                    </td>
                    <td className="actions">
                      <button type="button" className="icon-btn" aria-label={`Remove line ${i + 1}`} disabled={lines.length === 1} onClick={() => setLines(lines.filter((_, j) => j !== i))}>
                        ×
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot className="apar-totals">
              <tr>
                <td colSpan={6}>Subtotal</td>
                <td className="num">
                  <Money value={totals.subtotal} />
                </td>
                <td />
              </tr>
              <tr>
                <td colSpan={6}>Tax</td>
                <td className="num">
                  <Money value={totals.taxTotal} />
                </td>
                <td />
              </tr>
              <tr className="apar-grand">
                <td colSpan={6}>Total {currency.toUpperCase()}</td>
                <td className="num" data-testid="document-total">
                  <Money value={totals.amount} strong />
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </section>
        <FormError error={create.error} shownFields={['partyId', 'number', 'issueDate', 'dueDate', 'currency', 'exchangeRate', 'description', 'quantity', 'unitPrice', 'taxRate']} />
        <div className="apar-form-actions">
          {!totals.complete && <span className="muted small">Totals count the lines whose numbers are complete.</span>}
          <Button variant="ghost" onClick={() => navigate(`${APAR}/${book.path}`)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Post {book.label.toLowerCase()}
          </Button>
        </div>
      </form>
    </div>
  );
}
