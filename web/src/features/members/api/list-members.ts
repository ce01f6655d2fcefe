import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { Member } from '../types';

/** GET /api/v1/tenants/{tid}/members (first 200, by email). */
export function listMembers(tenantId: string, signal?: AbortSignal) {
  return api<ListPage<Member>>(`/api/v1/tenants/${tenantId}/members`, { query: { limit: 200 }, signal });
}

export const membersQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ['members', tenantId] as const, queryFn: ({ signal }) => listMembers(tenantId, signal) });

export const useMembers = (tenantId: string) => useQuery(membersQueryOptions(tenantId));
