import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, type ListPage } from '../../../lib/api-client';
import type { PlatformOrganisation } from '../../../../../modules/tenancy/schema';

/** An organisation as ops see it (GET /_fig/tenants). */
export type Organisation = z.infer<typeof PlatformOrganisation>;

/** GET /_fig/tenants, by name, optionally by status. */
export function listOrganisations(status: string, signal?: AbortSignal) {
  return api<ListPage<Organisation>>('/_fig/tenants', { query: { limit: 200, ...(status ? { status } : {}) }, signal });
}

export const organisationsQueryOptions = (status: string) =>
  queryOptions({ queryKey: ['organisations', status] as const, queryFn: ({ signal }) => listOrganisations(status, signal) });

export const useOrganisations = (status: string) => useQuery(organisationsQueryOptions(status));

/** POST /_fig/tenants/{id}/suspend|reactivate with a reason (audited). */
export function useSetSuspended() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: 'suspend' | 'reactivate'; reason: string }) =>
      api<Organisation>(`/_fig/tenants/${id}/${action}`, { method: 'POST', body: { reason } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['organisations'] }),
  });
}
