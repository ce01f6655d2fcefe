import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { PlanSummary } from '../types';
import { planKeys } from './keys';

/** GET /api/v1/tenants/{tid}/bonus-plans. */
export function listPlans(tenantId: string, signal?: AbortSignal) {
  return api<ListPage<PlanSummary>>(`/api/v1/tenants/${tenantId}/bonus-plans`, { query: { limit: 200 }, signal });
}

export const plansQueryOptions = (tenantId: string) => queryOptions({ queryKey: planKeys.list(tenantId), queryFn: ({ signal }) => listPlans(tenantId, signal) });

export const usePlans = (tenantId: string) => useQuery(plansQueryOptions(tenantId));
