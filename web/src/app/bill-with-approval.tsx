import { useQueryClient } from '@tanstack/react-query';
import { ApprovalPanel } from '../features/approvals/components/approval-panel';
import { BillApprovalBar } from '../features/apar/components/bill-approval-bar';
import { DocumentPage } from '../features/apar/components/document-page';
import { AparNav } from '../features/apar/components/apar-nav';
import { ApprovalsInboxPage } from '../features/approvals/components/inbox-page';

/**
 * A bill's page with its approval (the two features meet here): the bill's approval state and
 * "Submit for approval" (AP/AR's own endpoint), then the approvals panel with the policy's steps,
 * every decision and the actions of the user's role; a decision refreshes the bill.
 */
export function BillWithApprovalPage({ params }: { params: Record<string, string> }) {
  const qc = useQueryClient();
  return (
    <DocumentPage
      key={params.id}
      kind="bill"
      id={Number(params.id)}
      approvalSlot={(bill) =>
        bill.approval === 'not_required' ? null : (
          <>
            <BillApprovalBar bill={bill} />
            {bill.approval !== 'draft' && (
              <ApprovalPanel subjectType="ap_bill" subjectId={String(bill.id)} onDecided={() => void qc.invalidateQueries({ queryKey: ['apar'] })} emptyText="Submitted bills follow the tenant's ap-bill policy." />
            )}
          </>
        )
      }
    />
  );
}

/** /app/apar/approvals: the approvals inbox with AP bills only, inside the AP/AR section. */
export function BillApprovalsPage() {
  return (
    <div className="page apar">
      <AparNav />
      <ApprovalsInboxPage subjectType="ap_bill" title="Bill approvals" />
    </div>
  );
}
