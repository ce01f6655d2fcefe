import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { formatRelative } from '../../../lib/format';
import { useSubjectApprovals } from '../api/list-approvals';
import { useSubmitForApproval } from '../api/submit';
import type { ApprovalInstance } from '../types';
import { ApprovalStatusBadge, ApprovalSteps } from './approval-steps';
import { DecideDialog } from './decide-dialog';
import '../approvals.css';

/** Why the signed-in user cannot decide the current step, or undefined when they can. */
export function decideBlocker(instance: ApprovalInstance, session: { user: { id: string }; roles: string[] }): string | undefined {
  const step = instance.currentStep;
  if (!step) return 'Nothing is waiting for a decision.';
  if (!session.roles.includes(step.role)) return `Waiting for the ${step.role} role.`;
  const mine = instance.history.find((d) => d.actorId === session.user.id);
  if (mine) return `You decided step ${mine.position}; another ${step.role} approver decides this one.`;
  return undefined;
}

/** Approve / reject buttons for the current step (only for a user who may decide it) and the dialog behind them. */
export function DecideActions({ tenantId, instance, onDecided }: { tenantId: string; instance: ApprovalInstance; onDecided?: (i: ApprovalInstance) => void }) {
  const session = useSession();
  const [decision, setDecision] = useState<'approve' | 'reject' | null>(null);
  const blocker = decideBlocker(instance, session);
  if (blocker) return <span className="muted small" data-testid="decide-blocker">{blocker}</span>;
  return (
    <div className="approval-actions">
      <Button variant="primary" size="sm" onClick={() => setDecision('approve')}>
        Approve…
      </Button>
      <Button variant="danger" size="sm" onClick={() => setDecision('reject')}>
        Reject…
      </Button>
      <DecideDialog tenantId={tenantId} instance={instance} decision={decision} onClose={() => setDecision(null)} onDecided={onDecided} />
    </div>
  );
}

/**
 * The approval of one subject (a run, a bill): the newest instance's steps with every decision,
 * the actions for the user's role, and earlier (rejected) rounds. Subject pages render it through
 * web/src/app, which composes features.
 */
export function ApprovalPanel({
  subjectType,
  subjectId,
  onDecided,
  submittable = false,
  emptyText = 'Not submitted for approval yet.',
}: {
  subjectType: string;
  subjectId: string;
  /** Called after a decision or a submission, so the subject's page refreshes its own state. */
  onDecided?: (instance: ApprovalInstance) => void;
  /** The subject is in a state its module accepts a submission in (a completed run). */
  submittable?: boolean;
  emptyText?: string;
}) {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const approvals = useSubjectApprovals(tenantId, subjectType, subjectId);
  const submit = useSubmitForApproval(tenantId, onDecided);
  const latest = approvals.data?.data[0];
  const canSubmit = submittable && can(session, 'approvals.submit') && latest?.status !== 'pending';
  return (
    <section className="panel" data-testid="approval-panel">
      <header className="panel-header">
        <h2>Approval</h2>
        {latest && <ApprovalStatusBadge status={latest.status} />}
      </header>
      <div className="panel-pad">
        {canSubmit && (
          <div className="toolbar">
            <Button variant="primary" busy={submit.isPending} onClick={() => submit.mutate({ subjectType, subjectId })}>
              {latest ? 'Submit again for approval' : 'Submit for approval'}
            </Button>
            <FormError error={submit.error} />
          </div>
        )}
        {approvals.isPending ? (
          <Loading label="Loading approval…" />
        ) : approvals.isError ? (
          <ErrorState error={approvals.error} onRetry={() => void approvals.refetch()} />
        ) : approvals.data.data.length === 0 ? (
          <Empty title="No approval">{emptyText}</Empty>
        ) : (
          approvals.data.data.map((instance, i) => (
            <div key={instance.id} className={i === 0 ? 'approval-round' : 'approval-round approval-round-old'}>
              {i > 0 && (
                <div className="muted small">
                  Earlier round, {instance.status} {formatRelative(instance.completedAt)}
                  {instance.reason ? `: ${instance.reason}` : ''}
                </div>
              )}
              <ApprovalSteps instance={instance} />
              {i === 0 && instance.status === 'rejected' && instance.reason && (
                <div className="form-error" data-testid="rejection-reason">
                  Rejected: {instance.reason}
                </div>
              )}
              {i === 0 && instance.status === 'pending' && <DecideActions tenantId={tenantId} instance={instance} onDecided={onDecided} />}
            </div>
          ))
        )}
      </div>
    </section>
  );
}
