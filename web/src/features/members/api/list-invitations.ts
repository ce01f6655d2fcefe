import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { Invitation } from '../types';

/** GET /api/v1/tenants/{tid}/invitations, newest first. */
export function listInvitations(tenantId: string, signal?: AbortSignal) {
  return api<ListPage<Invitation>>(`/api/v1/tenants/${tenantId}/invitations`, { query: { limit: 50 }, signal });
}

export const invitationsQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ['invitations', tenantId] as const, queryFn: ({ signal }) => listInvitations(tenantId, signal) });

export const useInvitations = (tenantId: string) => useQuery(invitationsQueryOptions(tenantId));
