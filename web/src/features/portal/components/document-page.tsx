import { useMutation } from '@tanstack/react-query';
import { Button } from '../../../components/ui/button';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { formatMoney, formatRate } from '../../../lib/decimal';
import { saveBlob } from '../../../lib/download';
import { downloadInvoicePdf, useDocument, type PortalDocumentKind } from '../api/documents';
import { PortalLink } from '../portal-router';
import { DocumentStatus } from './document-status';

const SOURCE: Record<string, string> = {
  received: 'Payment',
  credit_note: 'Credit note',
  write_off: 'Write-off',
};

/** One invoice or credit note: header facts, lines, totals, what was applied to it, and its PDF. */
export function PortalDocumentPage({
  slug,
  kind,
  id,
}: {
  slug: string;
  kind: PortalDocumentKind;
  id: string;
}) {
  const doc = useDocument(slug, kind, id);
  const pdf = useMutation({
    mutationFn: async (docId: number) => {
      const { blob, filename } = await downloadInvoicePdf(slug, docId);
      saveBlob(blob, filename ?? `invoice-${docId}.pdf`);
    },
  });
  const back = (
    <div className="breadcrumbs">
      <PortalLink to={`/portal/${slug}/${kind}`}>
        {kind === 'invoices' ? 'Invoices' : 'Credit notes'}
      </PortalLink>{' '}
      /
    </div>
  );
  if (doc.isPending) return <Loading label="Loading…" />;
  if (doc.isError)
    return (
      <div className="portal-page">
        {back}
        <ErrorState
          error={doc.error}
          title="This document could not be shown"
          onRetry={() => void doc.refetch()}
        />
      </div>
    );
  const d = doc.data;
  const cur = d.currency;
  return (
    <div className="portal-page">
      {back}
      <div className="page-header">
        <div>
          <h1>
            {kind === 'invoices' ? 'Invoice' : 'Credit note'} {d.number} <DocumentStatus doc={d} />
          </h1>
          <p className="subtitle">
            Issued {d.issueDate}
            {kind === 'invoices' && <> · due {d.dueDate}</>} · {cur}
            {d.description && <> · {d.description}</>}
          </p>
        </div>
        {kind === 'invoices' && (
          <div className="page-actions">
            <Button
              variant="primary"
              busy={pdf.isPending}
              onClick={() => pdf.mutate(d.id)}
              data-testid="portal-pdf"
            >
              Download PDF
            </Button>
          </div>
        )}
      </div>
      <FormError error={pdf.error} />
      <div className="portal-summary">
        <div>
          <span className="muted small">Total</span>
          <strong>
            {formatMoney(d.amount)} {cur}
          </strong>
        </div>
        <div>
          <span className="muted small">{kind === 'invoices' ? 'Paid' : 'Applied'}</span>
          <strong>
            {formatMoney(d.amountPaid)} {cur}
          </strong>
        </div>
        <div>
          <span className="muted small">{kind === 'invoices' ? 'Balance due' : 'Left to apply'}</span>
          <strong data-testid="portal-balance">
            {formatMoney(d.balance.replace(/^-/, ''))} {cur}
          </strong>
        </div>
      </div>
      <div className="panel">
        <div className="panel-header">
          <strong>Lines</strong>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th>Description</th>
              <th className="num">Quantity</th>
              <th className="num">Unit price</th>
              <th className="num">Tax</th>
              <th className="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {d.lines.map((l) => (
              <tr key={l.position}>
                <td>{l.description || '—'}</td>
                <td className="num">{l.quantity}</td>
                <td className="num">{formatMoney(l.unitPrice)}</td>
                <td className="num">{formatRate(l.taxRate)}</td>
                <td className="num">{formatMoney(l.total)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={4} className="num muted">
                Subtotal
              </td>
              <td className="num">{formatMoney(d.subtotal)}</td>
            </tr>
            <tr>
              <td colSpan={4} className="num muted">
                Tax
              </td>
              <td className="num">{formatMoney(d.taxTotal)}</td>
            </tr>
            <tr>
              <td colSpan={4} className="num">
                <strong>Total</strong>
              </td>
              <td className="num">
                <strong>
                  {formatMoney(d.amount)} {cur}
                </strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <div className="panel portal-gap">
        <div className="panel-header">
          <strong>{kind === 'invoices' ? 'Payments and credits applied' : 'Applied to'}</strong>
        </div>
        {d.allocations.length === 0 ? (
          <div className="portal-pad muted">
            {kind === 'invoices' ? 'Nothing has been applied to this invoice yet.' : 'Not applied yet.'}
          </div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Date</th>
                <th>From</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {d.allocations.map((a, i) => (
                <tr key={i}>
                  <td>{a.date}</td>
                  <td>
                    {SOURCE[a.sourceKind] ?? a.sourceKind} {a.sourceId}
                  </td>
                  <td className="num">
                    {formatMoney(a.amount)} {cur}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
