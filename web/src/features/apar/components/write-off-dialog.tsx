import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { FormError } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { useWriteOff } from '../api/documents';
import type { Document } from '../types';
import { today } from './bits';
import { errorAt } from './field-errors';

/** Write off part (or all) of an open invoice or bill; needs a reason, confirms as a destructive action. */
export function WriteOffDialog({ doc, open, onClose }: { doc: Document; open: boolean; onClose: () => void }) {
  const session = useSession();
  const writeOff = useWriteOff(session.tenant?.id ?? '');
  const [amount, setAmount] = useState(doc.balance);
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(today());
  const err = writeOff.error;
  return (
    <Dialog
      open={open}
      tone="danger"
      title={`Write off ${doc.number}`}
      onClose={onClose}
      onSubmit={() =>
        writeOff.mutate({ documentKind: doc.kind as 'invoice' | 'bill', documentId: doc.id, amount: amount.trim(), reason: reason.trim(), date }, { onSuccess: onClose })
      }
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" busy={writeOff.isPending} disabled={!reason.trim()}>
            Write off
          </Button>
        </>
      }
    >
      <p className="muted">The amount leaves the balance for good (a ledger entry with your reason); it cannot be undone here.</p>
      <Field label="Amount" name="amount" className="num-input" value={amount} onChange={(e) => setAmount(e.target.value)} error={errorAt(err, 'amount')} hint={`Balance ${doc.balance} ${doc.currency}`} />
      <Field label="Reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errorAt(err, 'reason')} />
      <Field label="Date" name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={errorAt(err, 'date')} />
      <FormError error={err} shownFields={['amount', 'reason', 'date']} />
    </Dialog>
  );
}
