import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ApprovalInstance } from '../types';
import { approvalKeys } from './keys';

export interface DecideInput {
  id: string;
  decision: 'approve' | 'reject';
  comment: string;
  /** The step the user saw: the server answers 409 if the approval moved on meanwhile. */
  position?: number;
}

/** POST /api/v1/tenants/{tid}/approvals/{id}/decisions. */
export function decide(tenantId: string, { id, ...body }: DecideInput) {
  return api<ApprovalInstance>(`/api/v1/tenants/${tenantId}/approvals/${id}/decisions`, { method: 'POST', body });
}

/** Decide a step; `onDecided` lets the subject's page refresh its own data (a run becomes finalized). */
export function useDecide(tenantId: string, onDecided?: (instance: ApprovalInstance) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: DecideInput) => decide(tenantId, input),
    onSuccess: (instance) => onDecided?.(instance),
    onSettled: () => void qc.invalidateQueries({ queryKey: approvalKeys.all }),
  });
}
