import type { ReactNode } from 'react';
import { Link } from '../../../app/router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { formatMoney } from '../../../lib/decimal';
import { formatDateTime } from '../../../lib/format';
import { useApproval } from '../api/get-approval';
import { DecideActions } from './approval-panel';
import { ApprovalStatusBadge, ApprovalSteps } from './approval-steps';
import { SubjectLink, subjectText } from './subject-link';
import '../approvals.css';

/**
 * One approval (/app/approvals/:id, the link of the "approval requested" mail): its subject, every
 * step with who decided it and their comment, and approve/reject for a user holding the waiting
 * step's role.
 */
export function ApprovalPage({ params }: { params: Record<string, string> }) {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const id = params.id ?? '';
  const approval = useApproval(tenantId, id);
  const header = (title: string, badge?: ReactNode) => (
    <div className="page-header">
      <div>
        <div className="breadcrumbs">
          <Link to="/approvals">Approvals</Link> / {id.slice(0, 8)}
        </div>
        <h1>
          {title} {badge}
        </h1>
      </div>
    </div>
  );
  if (!tenantId)
    return (
      <div className="page">
        {header('Approval')}
        <Empty title="No organisation">Sign in as a member of the organisation this approval belongs to.</Empty>
      </div>
    );
  if (approval.isPending) return <Loading label="Loading approval…" />;
  if (approval.isError)
    return (
      <div className="page">
        {header('Approval')}
        <ErrorState title="This approval could not be loaded" error={approval.error} onRetry={() => void approval.refetch()} />
      </div>
    );
  const a = approval.data;
  return (
    <div className="page" data-testid="approval-page" data-status={a.status}>
      {header(`Approval of ${subjectText(a)}`, <ApprovalStatusBadge status={a.status} />)}
      <section className="panel panel-pad">
        <dl className="approval-facts">
          <dt>Subject</dt>
          <dd>
            <SubjectLink instance={a} />
          </dd>
          <dt>Policy</dt>
          <dd>{a.policyKey}</dd>
          <dt>Amount</dt>
          <dd className="money">{a.amount === null ? <span className="muted">—</span> : formatMoney(a.amount)}</dd>
          <dt>Submitted</dt>
          <dd>
            {a.startedBy} · {formatDateTime(a.createdAt)}
          </dd>
          {a.completedAt && (
            <>
              <dt>Completed</dt>
              <dd>{formatDateTime(a.completedAt)}</dd>
            </>
          )}
        </dl>
      </section>
      <section className="panel" data-testid="approval-detail">
        <header className="panel-header">
          <h2>Steps</h2>
          {a.currentStep && (
            <span className="muted small">
              step {a.currentStep.position} of {a.currentStep.of} waits for {a.currentStep.role}
            </span>
          )}
        </header>
        <div className="panel-pad">
          <ApprovalSteps instance={a} />
          {a.reason && (
            <div className="form-error" data-testid="rejection-reason">
              {a.status === 'cancelled' ? 'Cancelled' : 'Rejected'}: {a.reason}
            </div>
          )}
          {a.status === 'pending' && <DecideActions tenantId={tenantId} instance={a} />}
        </div>
      </section>
    </div>
  );
}
