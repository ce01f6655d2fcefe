import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Role } from '../types';

type RawRole = { key?: string; name?: string; description?: string; permissions?: (string | { key: string })[] };

/** GET /api/v1/roles: every role and its permission keys. */
export async function listRoles(signal?: AbortSignal): Promise<Role[]> {
  const body = await api<RawRole[] | { data: RawRole[] }>('/api/v1/roles', { signal });
  return (Array.isArray(body) ? body : body.data).map((r) => ({
    key: r.key ?? r.name ?? '',
    description: r.description,
    permissions: (r.permissions ?? []).map((p) => (typeof p === 'string' ? p : p.key)),
  }));
}

export const rolesQueryOptions = () => queryOptions({ queryKey: ['roles'] as const, queryFn: ({ signal }) => listRoles(signal), staleTime: 5 * 60_000 });

export const useRoles = () => useQuery(rolesQueryOptions());
