import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { CreateStepBody, PatchStepBody, Step } from '../types';
import { planKeys } from './keys';

/** POST /api/v1/bonus-plans/{id}/steps. */
export function createStep(planId: string, body: Partial<CreateStepBody> & { key: string; expr: string }) {
  return api<Step>(`/api/v1/bonus-plans/${planId}/steps`, { method: 'POST', body });
}

/** PATCH /api/v1/bonus-plans/{id}/steps/{stepId}. */
export function updateStep(planId: string, stepId: string, body: PatchStepBody) {
  return api<Step>(`/api/v1/bonus-plans/${planId}/steps/${stepId}`, { method: 'PATCH', body });
}

/** DELETE /api/v1/bonus-plans/{id}/steps/{stepId}. */
export function deleteStep(planId: string, stepId: string) {
  return api<void>(`/api/v1/bonus-plans/${planId}/steps/${stepId}`, { method: 'DELETE' });
}

export type SaveStepInput =
  | { kind: 'create'; body: Partial<CreateStepBody> & { key: string; expr: string } }
  | { kind: 'update'; stepId: string; body: PatchStepBody }
  | { kind: 'delete'; stepId: string };

/** Create, update or delete a step; the plan and its validation refetch afterwards. */
export function useSaveStep(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SaveStepInput): Promise<Step | void> =>
      input.kind === 'create' ? createStep(planId, input.body) : input.kind === 'update' ? updateStep(planId, input.stepId, input.body) : deleteStep(planId, input.stepId),
    onSettled: () => void qc.invalidateQueries({ queryKey: planKeys.detail(planId) }),
  });
}
