import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Plan } from '../types';
import { planKeys } from './keys';

/** POST /api/v1/bonus-plans/{id}/lock: the plan becomes immutable. */
export function lockPlan(id: string) {
  return api<Plan>(`/api/v1/bonus-plans/${id}/lock`, { method: 'POST', body: {} });
}

/** POST /api/v1/bonus-plans/{id}/versions: a new draft from a locked plan. */
export function startVersion(id: string) {
  return api<Plan>(`/api/v1/bonus-plans/${id}/versions`, { method: 'POST', body: {} });
}

export function useLockPlan(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => lockPlan(id),
    onSuccess: (plan) => qc.setQueryData(planKeys.detail(id), plan),
    onSettled: () => void qc.invalidateQueries({ queryKey: planKeys.all }),
  });
}

export function useStartVersion(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => startVersion(id),
    onSettled: () => void qc.invalidateQueries({ queryKey: planKeys.all }),
  });
}
