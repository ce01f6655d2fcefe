import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ValidateResponse } from '../types';
import { planKeys } from './keys';

/** POST /api/v1/bonus-plans/{id}/validate: every problem with its step, line and column. Read-only, so it is a query. */
export function validatePlan(id: string, signal?: AbortSignal) {
  return api<ValidateResponse>(`/api/v1/bonus-plans/${id}/validate`, { method: 'POST', body: {}, signal });
}

export const validatePlanQueryOptions = (id: string) => queryOptions({ queryKey: planKeys.validate(id), queryFn: ({ signal }) => validatePlan(id, signal), staleTime: 0 });

export const useValidatePlan = (id: string) => useQuery(validatePlanQueryOptions(id));
