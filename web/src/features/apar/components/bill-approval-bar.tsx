import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { useSubmitBill } from '../api/bill-approval';
import type { Document } from '../types';

const TONE: Record<string, string> = { draft: 'neutral', pending: 'warn', approved: 'ok', not_required: 'neutral' };
const WORD: Record<string, string> = { draft: 'Draft: not submitted', pending: 'Waiting for approval', approved: 'Approved for payment', not_required: 'No approval needed' };

/** A bill's approval state and, for a draft, "Submit for approval" (the steps and decisions are the approvals panel's). */
export function BillApprovalBar({ bill }: { bill: Document }) {
  const session = useSession();
  const submit = useSubmitBill(session.tenant?.id ?? '', bill.id);
  return (
    <div className="apar-approval-bar" data-testid="bill-approval" data-approval={bill.approval}>
      <Badge tone={TONE[bill.approval] ?? 'neutral'}>{WORD[bill.approval] ?? bill.approval}</Badge>
      {bill.approval === 'draft' && can(session, 'apar.write') && (
        <Button variant="primary" size="sm" busy={submit.isPending} onClick={() => submit.mutate()}>
          Submit for approval
        </Button>
      )}
      {bill.approval === 'draft' && <span className="muted small">A bill is paid only once approved.</span>}
      <FormError error={submit.error} />
    </div>
  );
}
