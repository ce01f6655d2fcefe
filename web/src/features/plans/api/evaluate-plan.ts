import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { EvaluateResponse } from '../types';

/** POST /api/v1/bonus-plans/{id}/evaluate: test rows in, a result and tape per row out. */
export function evaluatePlan(id: string, rows: Record<string, string>[]) {
  return api<EvaluateResponse>(`/api/v1/bonus-plans/${id}/evaluate`, { method: 'POST', body: { rows } });
}

export const useEvaluatePlan = (id: string) => useMutation({ mutationFn: (rows: Record<string, string>[]) => evaluatePlan(id, rows) });
