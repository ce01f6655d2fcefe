import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ApprovalInstance } from '../types';
import { approvalKeys } from './keys';

/** GET /api/v1/tenants/{tid}/approvals/{id}: one approval with its steps and every decision. */
export function getApproval(tenantId: string, id: string, signal?: AbortSignal) {
  return api<ApprovalInstance>(`/api/v1/tenants/${tenantId}/approvals/${id}`, { signal });
}

export const approvalQueryOptions = (tenantId: string, id: string) =>
  queryOptions({ queryKey: approvalKeys.detail(tenantId, id), queryFn: ({ signal }) => getApproval(tenantId, id, signal) });

export const useApproval = (tenantId: string, id: string) => useQuery({ ...approvalQueryOptions(tenantId, id), enabled: Boolean(tenantId && id) });
