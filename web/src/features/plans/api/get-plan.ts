import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Plan } from '../types';
import { planKeys } from './keys';

/** GET /api/v1/bonus-plans/{id} (with inputs, constants, steps, pools). */
export function getPlan(id: string, signal?: AbortSignal) {
  return api<Plan>(`/api/v1/bonus-plans/${id}`, { signal });
}

export const planQueryOptions = (id: string) => queryOptions({ queryKey: planKeys.detail(id), queryFn: ({ signal }) => getPlan(id, signal) });

export const usePlan = (id: string) => useQuery(planQueryOptions(id));
