import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Member } from '../types';

type RawMember = Partial<Member> & { id?: string; user?: { id: string; email: string; name: string } };

function toMember(m: RawMember): Member {
  return {
    userId: m.userId ?? m.user?.id ?? m.id ?? '',
    email: m.email ?? m.user?.email ?? '',
    name: m.name ?? m.user?.name ?? '',
    roles: m.roles ?? [],
    status: m.status,
    createdAt: m.createdAt,
  };
}

/** GET /api/v1/tenants/{tid}/members. */
export async function listMembers(tenantId: string, signal?: AbortSignal): Promise<Member[]> {
  const body = await api<RawMember[] | { data: RawMember[] }>(`/api/v1/tenants/${tenantId}/members`, { query: { limit: 200 }, signal });
  return (Array.isArray(body) ? body : body.data).map(toMember);
}

export const membersQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ['members', tenantId] as const, queryFn: ({ signal }) => listMembers(tenantId, signal) });

export const useMembers = (tenantId: string) => useQuery(membersQueryOptions(tenantId));
