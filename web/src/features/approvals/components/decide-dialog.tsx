import { useId, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { useDecide } from '../api/decide';
import type { ApprovalInstance } from '../types';

/**
 * Approve or reject the current step with a comment. A rejection needs one (it is the reason the
 * subject goes back to draft with); the server says so too.
 */
export function DecideDialog({
  tenantId,
  instance,
  decision,
  onClose,
  onDecided,
}: {
  tenantId: string;
  instance: ApprovalInstance;
  decision: 'approve' | 'reject' | null;
  onClose: () => void;
  onDecided?: (instance: ApprovalInstance) => void;
}) {
  const id = useId();
  const [comment, setComment] = useState('');
  const mutation = useDecide(tenantId, onDecided);
  const step = instance.currentStep;
  const rejecting = decision === 'reject';
  const err = mutation.error instanceof ApiError ? mutation.error : undefined;
  const close = () => {
    setComment('');
    mutation.reset();
    onClose();
  };
  return (
    <Dialog
      open={decision !== null && step !== null}
      tone={rejecting ? 'danger' : 'default'}
      title={rejecting ? 'Reject and send back to draft' : `Approve: ${step?.label || step?.role}`}
      onClose={close}
      onSubmit={() =>
        decision &&
        mutation.mutate(
          { id: instance.id, decision, comment: comment.trim(), position: step?.position },
          {
            onSuccess: (next) => {
              toast(next.status === 'approved' ? 'Approved — all steps done' : rejecting ? 'Rejected and sent back' : 'Approved');
              close();
            },
          },
        )
      }
      footer={
        <>
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant={rejecting ? 'danger' : 'primary'} busy={mutation.isPending} disabled={rejecting && !comment.trim()}>
            {rejecting ? 'Reject' : 'Approve'}
          </Button>
        </>
      }
    >
      {step && (
        <p className="subtitle">
          Step {step.position} of {step.of}, for the <strong>{step.role}</strong> role.
        </p>
      )}
      <div className={`field ${err?.fieldError('comment') ? 'field-invalid' : ''}`}>
        <label htmlFor={`${id}-comment`}>{rejecting ? 'Reason (required)' : 'Comment (optional)'}</label>
        <textarea id={`${id}-comment`} name="comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} autoFocus />
        {err?.fieldError('comment') && <div className="field-error">{err.fieldError('comment')}</div>}
      </div>
      <FormError error={mutation.error} shownFields={['comment']} />
    </Dialog>
  );
}
