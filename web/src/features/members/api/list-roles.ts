import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Role } from '../types';

/** GET /api/v1/roles: every role and its permission keys. */
export function listRoles(signal?: AbortSignal) {
  return api<Role[]>('/api/v1/roles', { signal });
}

export const rolesQueryOptions = () => queryOptions({ queryKey: ['roles'] as const, queryFn: ({ signal }) => listRoles(signal), staleTime: 5 * 60_000 });

export const useRoles = () => useQuery(rolesQueryOptions());
