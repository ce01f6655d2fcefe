import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Policy } from '../types';
import { approvalKeys } from './keys';

/** GET /api/v1/tenants/{tid}/approval-policies: the newest version of every policy. */
export function listPolicies(tenantId: string, signal?: AbortSignal) {
  return api<{ data: Policy[] }>(`/api/v1/tenants/${tenantId}/approval-policies`, { signal });
}

export const policiesQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: approvalKeys.policies(tenantId), queryFn: ({ signal }) => listPolicies(tenantId, signal) });

export const usePolicies = (tenantId: string) => useQuery(policiesQueryOptions(tenantId));
