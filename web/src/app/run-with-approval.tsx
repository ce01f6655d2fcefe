import { useQueryClient } from '@tanstack/react-query';
import { ApprovalPanel } from '../features/approvals/components/approval-panel';
import { RunPage } from '../features/runs/components/run-page';

/**
 * The run page with its approval (the two features meet here, not inside each other): a completed
 * run can be submitted; a run in review shows its steps and the actions of the user's role; a
 * decision refreshes the run (in review → finalized, or back to completed when rejected).
 */
export function RunWithApprovalPage({ params }: { params: Record<string, string> }) {
  const qc = useQueryClient();
  return (
    <RunPage
      params={params}
      approvalSlot={(run) =>
        run.status === 'completed' || run.status === 'in_review' || run.status === 'finalized' ? (
          <ApprovalPanel
            subjectType="run"
            subjectId={String(run.id)}
            submittable={run.status === 'completed'}
            onDecided={() => void qc.invalidateQueries({ queryKey: ['runs'] })}
            emptyText="A completed run is submitted for approval: manager, then HR, then finance; the finance approval finalizes it."
          />
        ) : null
      }
    />
  );
}
