import { Badge } from '../../../components/ui/badge';
import type { PortalDocument } from '../types';

const today = () => new Date().toISOString().slice(0, 10);

/** Paid, partly paid, open, or overdue (open past its due date). */
export function DocumentStatus({ doc }: { doc: Pick<PortalDocument, 'status' | 'dueDate' | 'kind'> }) {
  if (doc.status === 'paid')
    return <Badge tone="ok">{doc.kind === 'credit_note' ? 'Applied' : 'Paid'}</Badge>;
  if (doc.kind === 'invoice' && doc.dueDate < today()) return <Badge tone="danger">Overdue</Badge>;
  return <Badge tone="warn">{doc.status === 'partial' ? 'Partly paid' : 'Open'}</Badge>;
}
