import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { formatMoney } from '../../../lib/decimal';
import { useStatement } from '../api/statement';

const WHAT: Record<string, string> = {
  invoice: 'Invoice',
  credit_note: 'Credit note',
  received: 'Payment',
  write_off: 'Write-off',
};
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Statement of account for a period: opening balance, every entry with the running balance, closing. */
export function PortalStatementPage({ slug }: { slug: string }) {
  const now = new Date();
  const [from, setFrom] = useState(iso(new Date(Date.UTC(now.getUTCFullYear(), 0, 1))));
  const [to, setTo] = useState(iso(now));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const statement = useStatement(slug, from, to, valid);
  return (
    <div className="portal-page">
      <div className="page-header">
        <div>
          <h1>Statement of account</h1>
          <p className="subtitle">
            What you owed at the start of the period, what happened, and what you owe at its end.
          </p>
        </div>
        <div className="page-actions portal-period">
          <label>
            From <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            To <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
      </div>
      <div className="panel">
        {!valid ? (
          <Empty title="Choose a period">The start date must be on or before the end date.</Empty>
        ) : statement.isPending ? (
          <Loading label="Loading the statement…" />
        ) : statement.isError ? (
          <ErrorState error={statement.error} onRetry={() => void statement.refetch()} />
        ) : (
          <table className="table" data-testid="portal-statement">
            <thead>
              <tr>
                <th>Date</th>
                <th>Entry</th>
                <th className="num">Amount</th>
                <th className="num">Balance</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{statement.data.from}</td>
                <td className="muted">Opening balance</td>
                <td />
                <td className="num">{formatMoney(statement.data.opening)}</td>
              </tr>
              {statement.data.entries.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    Nothing happened on your account in this period.
                  </td>
                </tr>
              )}
              {statement.data.entries.map((e, i) => (
                <tr key={i}>
                  <td>{e.date}</td>
                  <td>
                    {WHAT[e.sourceKind] ?? e.sourceKind} {e.sourceId}
                    {e.documentId !== null &&
                      e.sourceKind !== 'invoice' &&
                      e.sourceKind !== 'credit_note' && (
                        <span className="muted"> on invoice #{e.documentId}</span>
                      )}
                  </td>
                  <td className="num">{formatMoney(e.amount)}</td>
                  <td className="num">{formatMoney(e.balance)}</td>
                </tr>
              ))}
              <tr className="portal-total">
                <td>{statement.data.to}</td>
                <td>
                  <strong>Closing balance</strong>
                </td>
                <td />
                <td className="num">
                  <strong>{formatMoney(statement.data.closing)}</strong>
                </td>
              </tr>
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
