import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ParityReport } from '../types';
import { parityKeys } from './keys';

/** GET /api/v1/parity/reports/{id}: summary, by output, Gate A and sign-off. */
export function getReport(id: string, signal?: AbortSignal) {
  return api<ParityReport>(`/api/v1/parity/reports/${encodeURIComponent(id)}`, { signal });
}

export const reportQueryOptions = (id: string) =>
  queryOptions({
    queryKey: parityKeys.detail(id),
    queryFn: ({ signal }) => getReport(id, signal),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 2000 : false),
  });

export const useReport = (id: string) => useQuery(reportQueryOptions(id));
