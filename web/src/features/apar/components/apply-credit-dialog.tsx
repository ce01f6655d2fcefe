import { useState } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { useOpenDocuments } from '../api/documents';
import { allocationSummary } from '../totals';
import type { DocumentKind } from '../types';
import { AllocationEditor, allocationsOf, type AllocationDraft } from './allocation-editor';
import { today } from './bits';

type ApplyBody = { allocations: Array<{ documentId: number; amount: string }>; date?: string };

/**
 * Apply what a credit note (or a payment's unapplied credit) has left to the party's open
 * documents, in the same allocation editor as a new payment.
 */
export function ApplyCreditDialog({
  open,
  onClose,
  title,
  settles,
  partyId,
  available,
  currency,
  apply,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  settles: DocumentKind;
  partyId: number;
  available: string;
  currency: string;
  apply: UseMutationResult<unknown, Error, ApplyBody>;
}) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const docs = useOpenDocuments(tid, settles, open ? partyId : undefined);
  const [draft, setDraft] = useState<AllocationDraft>({});
  const [sent, setSent] = useState<number[]>([]);
  const [date, setDate] = useState(today());
  const list = (docs.data ?? []).filter((d) => d.currency === currency);
  const summary = allocationSummary(available, list.map((d) => draft[d.id] ?? ''));
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      onSubmit={() => {
        const allocations = allocationsOf(list, draft);
        setSent(allocations.map((a) => a.documentId));
        apply.mutate({ allocations, date }, { onSuccess: onClose });
      }}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={apply.isPending} disabled={summary.over || !summary.valid || summary.allocated === '0'}>
            Apply
          </Button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="apply-date">Date</label>
        <input id="apply-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </div>
      {docs.isPending ? (
        <Loading />
      ) : docs.isError ? (
        <ErrorState error={docs.error} onRetry={() => void docs.refetch()} />
      ) : (
        <AllocationEditor docs={list} amount={available} draft={draft} onChange={setDraft} error={apply.error} sent={sent} currency={currency} />
      )}
      <FormError error={apply.error} shownFields={['amount', 'documentId']} />
    </Dialog>
  );
}
