import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ApprovalInstance } from '../types';
import { approvalKeys } from './keys';

/** POST /api/v1/tenants/{tid}/approvals: submit a subject (a run) for approval under its default policy. */
export function submitForApproval(tenantId: string, body: { subjectType: string; subjectId: string; policyKey?: string }) {
  return api<ApprovalInstance>(`/api/v1/tenants/${tenantId}/approvals`, { method: 'POST', body });
}

export function useSubmitForApproval(tenantId: string, onSubmitted?: (i: ApprovalInstance) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { subjectType: string; subjectId: string; policyKey?: string }) => submitForApproval(tenantId, body),
    onSuccess: (i) => onSubmitted?.(i),
    onSettled: () => void qc.invalidateQueries({ queryKey: approvalKeys.all }),
  });
}
