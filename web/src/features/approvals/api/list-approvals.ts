import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ApprovalList } from '../types';
import { approvalKeys } from './keys';

/** GET /api/v1/tenants/{tid}/approvals?mine=1: pending approvals waiting for one of my roles. */
export function listInbox(tenantId: string, signal?: AbortSignal) {
  return api<ApprovalList>(`/api/v1/tenants/${tenantId}/approvals`, { query: { mine: 1, limit: 200 }, signal });
}

export const inboxQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: approvalKeys.inbox(tenantId), queryFn: ({ signal }) => listInbox(tenantId, signal), refetchInterval: 30_000 });

export const useInbox = (tenantId: string) => useQuery(inboxQueryOptions(tenantId));

/** GET /api/v1/tenants/{tid}/approvals?subjectType&subjectId: every approval of one subject, newest first. */
export function listSubjectApprovals(tenantId: string, subjectType: string, subjectId: string, signal?: AbortSignal) {
  return api<ApprovalList>(`/api/v1/tenants/${tenantId}/approvals`, { query: { subjectType, subjectId, limit: 20 }, signal });
}

export const subjectApprovalsQueryOptions = (tenantId: string, subjectType: string, subjectId: string) =>
  queryOptions({
    queryKey: approvalKeys.list(tenantId, { subjectType, subjectId }),
    queryFn: ({ signal }) => listSubjectApprovals(tenantId, subjectType, subjectId, signal),
  });

export const useSubjectApprovals = (tenantId: string, subjectType: string, subjectId: string) =>
  useQuery(subjectApprovalsQueryOptions(tenantId, subjectType, subjectId));
