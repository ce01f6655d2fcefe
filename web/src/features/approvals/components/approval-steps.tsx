import { Badge } from '../../../components/ui/badge';
import { formatDateTime } from '../../../lib/format';
import type { ApprovalInstance } from '../types';

const TONE: Record<ApprovalInstance['status'], string> = { pending: 'warn', approved: 'ok', rejected: 'danger', cancelled: 'neutral' };

/** The instance's status as a badge. */
export function ApprovalStatusBadge({ status }: { status: ApprovalInstance['status'] }) {
  return <Badge tone={TONE[status]}>{status}</Badge>;
}

/** Every step of one approval, in order: who decided it when and with what comment, which one waits, which follow. */
export function ApprovalSteps({ instance }: { instance: ApprovalInstance }) {
  return (
    <ol className="approval-steps" data-testid="approval-steps">
      {instance.steps.map((step) => {
        const decided = instance.history.find((d) => d.position === step.position);
        const waiting = instance.currentStep?.position === step.position;
        const state = decided ? decided.decision : waiting ? 'waiting' : instance.status === 'pending' ? 'upcoming' : 'skipped';
        return (
          <li key={step.position} className={`approval-step approval-step-${state}`} data-state={state}>
            <div className="approval-step-head">
              <span className="approval-step-dot" aria-hidden />
              <strong>{step.label || step.role}</strong>
              <span className="muted small">
                {step.role}
                {step.minAmount ? ` · above ${step.minAmount}` : ''}
              </span>
              {decided ? (
                <Badge tone={decided.decision === 'approve' ? 'ok' : 'danger'}>{decided.decision === 'approve' ? 'approved' : 'rejected'}</Badge>
              ) : waiting ? (
                <Badge tone="warn">waiting</Badge>
              ) : null}
            </div>
            {decided && (
              <div className="approval-step-body">
                <span>
                  {decided.actor} · {formatDateTime(decided.decidedAt)}
                </span>
                {decided.comment && <q className="approval-comment">{decided.comment}</q>}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
