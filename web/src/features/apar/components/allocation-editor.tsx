import { Decimal } from '../../../../../modules/core/decimal';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { allocationSummary, greaterThan, isDecimal, minDecimal } from '../totals';
import { docHref, type Document } from '../types';
import { Money } from './bits';
import { errorAt } from './field-errors';

/** documentId → amount as typed ('' = not allocated). */
export type AllocationDraft = Record<number, string>;

/** The allocations to send: the rows with an amount, in the table's order. */
export function allocationsOf(docs: Document[], draft: AllocationDraft): Array<{ documentId: number; amount: string }> {
  return docs.filter((d) => (draft[d.id] ?? '').trim() !== '').map((d) => ({ documentId: d.id, amount: draft[d.id]!.trim() }));
}

/** Oldest due first: each document gets what is left, at most its balance (the server's own default). */
export function fillOldestFirst(docs: Document[], amount: string): AllocationDraft {
  const out: AllocationDraft = {};
  let left = isDecimal(amount) ? amount.trim() : '0';
  for (const d of docs) {
    if (!greaterThan(left, '0')) break;
    const take = minDecimal(left, d.balance);
    out[d.id] = take;
    left = new Decimal(left).minus(take).toFixed();
  }
  return out;
}

/**
 * Split an amount across a party's open documents: one amount per document (at most its balance),
 * with the allocated total and what stays unapplied as credit, live. Server refusals
 * (`allocations[i].amount`) show on the row they name; `sent` is the order the last request used.
 */
export function AllocationEditor({
  docs,
  amount,
  draft,
  onChange,
  error,
  sent,
  currency,
}: {
  docs: Document[];
  amount: string;
  draft: AllocationDraft;
  onChange: (d: AllocationDraft) => void;
  error?: unknown;
  sent?: number[];
  currency: string;
}) {
  const summary = allocationSummary(amount, docs.map((d) => draft[d.id] ?? ''));
  const rowError = (id: number) => {
    const i = sent?.indexOf(id) ?? -1;
    return i < 0 ? undefined : errorAt(error, `allocations[${i}].amount`) ?? errorAt(error, `allocations[${i}].documentId`);
  };
  return (
    <div className="apar-alloc" data-testid="allocation-editor">
      {docs.length === 0 ? (
        <p className="muted apar-alloc-empty">No open documents in {currency}: the whole amount stays as unapplied credit.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Document</th>
              <th>Due</th>
              <th className="num">Balance</th>
              <th className="num">Apply</th>
            </tr>
          </thead>
          <tbody>
            {docs.map((d) => {
              const v = draft[d.id] ?? '';
              const over = isDecimal(v) && greaterThan(v, d.balance);
              const problem = rowError(d.id) ?? (v.trim() !== '' && !isDecimal(v) ? 'must be a positive decimal' : over ? 'more than the balance' : undefined);
              return (
                <tr key={d.id} data-number={d.number}>
                  <td>
                    <Link to={docHref(d.kind, d.id)}>{d.number}</Link>
                  </td>
                  <td>{d.dueDate}</td>
                  <td className="num">
                    <Money value={d.balance} exact />
                  </td>
                  <td className={`num ${problem ? 'field-invalid' : ''}`}>
                    <input
                      className="num-input apar-num"
                      inputMode="decimal"
                      aria-label={`Apply to ${d.number}`}
                      value={v}
                      placeholder="0.00"
                      aria-invalid={!!problem || undefined}
                      onChange={(e) => onChange({ ...draft, [d.id]: e.target.value })}
                    />
                    {problem && <div className="field-error">{problem}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="apar-alloc-summary" data-testid="allocation-summary">
        <div>
          <span className="muted">Amount</span> <Money value={isDecimal(amount) ? amount : '0'} currency={currency} />
        </div>
        <div>
          <span className="muted">Allocated</span> <Money value={summary.allocated} exact />
        </div>
        <div className={summary.over ? 'apar-over' : ''} data-testid="allocation-remaining">
          <span className="muted">{summary.over ? 'Over-allocated' : 'Unapplied (kept as credit)'}</span> <Money value={summary.remaining} strong exact />
        </div>
        {docs.length > 0 && (
          <div className="apar-alloc-actions">
            <Button size="sm" onClick={() => onChange(fillOldestFirst(docs, amount))}>
              Fill oldest first
            </Button>
            <Button size="sm" variant="ghost" onClick={() => onChange({})}>
              Clear
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
