import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { CreatePlanBody, Plan } from '../types';
import { planKeys } from './keys';

/** POST /api/v1/tenants/{tid}/bonus-plans. */
export function createPlan(tenantId: string, body: Partial<CreatePlanBody> & { name: string }) {
  return api<Plan>(`/api/v1/tenants/${tenantId}/bonus-plans`, { method: 'POST', body });
}

export function useCreatePlan(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<CreatePlanBody> & { name: string }) => createPlan(tenantId, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: planKeys.list(tenantId) }),
  });
}
