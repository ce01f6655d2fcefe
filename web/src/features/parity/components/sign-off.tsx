import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useSignOff } from '../api/sign-off';
import { formatRate } from '../../../lib/decimal';
import type { ParityReport } from '../types';

/** Why this user cannot sign this report off, or undefined when they can. */
export function signOffBlockedReason(report: ParityReport, maySign: boolean): string | undefined {
  if (report.signedOffAt)
    return `Already signed off by ${report.signedOffBy} on ${formatDateTime(report.signedOffAt)}.`;
  if (!maySign) return 'Only finance can sign off a parity report (permission parity.signoff).';
  if (report.status === 'running') return 'The run has not finished yet.';
  if (report.status === 'failed') return 'The run failed; run the report again.';
  if (!report.gateA?.passed) {
    const failing = report.gateA?.checks.filter((c) => !c.passed).map((c) => c.name) ?? [];
    return `Gate A failed (${failing.join(', ') || 'not evaluated'}); a report can be signed off only when every check passes.`;
  }
  return undefined;
}

function SignOffDialog({
  report,
  open,
  onClose,
}: {
  report: ParityReport;
  open: boolean;
  onClose: () => void;
}) {
  const sign = useSignOff(report.id);
  const [note, setNote] = useState('');
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!open) return;
    setNote('');
    setTouched(false);
    sign.reset();
  }, [open]);
  const noteError =
    note.trim().length < 3
      ? 'Write a note of at least 3 characters: it is recorded in the audit trail.'
      : undefined;
  const apiErr = sign.error instanceof ApiError ? sign.error : undefined;
  const submit = () => {
    setTouched(true);
    if (noteError || sign.isPending) return;
    sign.mutate(note.trim(), {
      onSuccess: () => {
        toast(`Signed off “${report.name}”`);
        onClose();
      },
    });
  };
  return (
    <Dialog
      open={open}
      title="Sign off this parity report"
      onClose={() => !sign.isPending && onClose()}
      onSubmit={submit}
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={sign.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={sign.isPending} data-testid="sign-off-confirm">
            Sign off
          </Button>
        </>
      }
    >
      <div className="flip-summary">
        <strong>{report.name}</strong>
        <span className="small">
          {report.employees.toLocaleString()} employees · match rate {formatRate(report.matchRate)} · largest
          difference {report.maxAbsDiff} · Gate A passed
        </span>
      </div>
      <p className="small muted">
        Your sign-off is recorded with your name, this note and the Gate A evidence; the engine cutover gate
        then passes on this report. It cannot be undone.
      </p>
      <div className={`field ${touched && noteError ? 'field-invalid' : ''}`}>
        <label htmlFor="sign-off-note">Note</label>
        <textarea
          id="sign-off-note"
          rows={3}
          value={note}
          autoFocus
          onChange={(e) => setNote(e.target.value)}
          placeholder="e.g. Reviewed the Q2 history with the controller; no differences."
        />
        {touched && noteError ? (
          <div className="field-error">{noteError}</div>
        ) : apiErr?.fieldError('note') ? (
          <div className="field-error">{apiErr.fieldError('note')}</div>
        ) : null}
      </div>
      <FormError error={sign.error} shownFields={['note']} />
    </Dialog>
  );
}

/** The sign-off state of a report and, for finance, the action (disabled with the reason when it cannot be taken). */
export function SignOffAction({ report }: { report: ParityReport }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const blocked = signOffBlockedReason(report, can(session, 'parity.signoff'));
  return (
    <>
      <Button
        variant="primary"
        disabled={!!blocked}
        title={blocked ?? 'Sign off with a note (audited)'}
        onClick={() => setOpen(true)}
        data-testid="sign-off"
      >
        Sign off…
      </Button>
      {!report.signedOffAt && <SignOffDialog report={report} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}
