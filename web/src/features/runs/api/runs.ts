import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { RunFailure, RunView } from '../types';
import { runKeys } from './keys';

const base = (tid: string) => `/api/v1/tenants/${tid}/runs`;

/** GET .../runs: newest first. */
export const runsQueryOptions = (tid: string) =>
  queryOptions({ queryKey: runKeys.list(tid), queryFn: ({ signal }) => api<ListPage<RunView>>(base(tid), { query: { limit: 100 }, signal }) });
export const useRuns = (tid: string) => useQuery(runsQueryOptions(tid));

/** GET .../runs/{id}: state, progress, totals. */
export const runQueryOptions = (tid: string, id: number) =>
  queryOptions({ queryKey: runKeys.detail(tid, id), queryFn: ({ signal }) => api<RunView>(`${base(tid)}/${id}`, { signal }) });
export const useRun = (tid: string, id: number) => useQuery(runQueryOptions(tid, id));

/** GET .../runs/{id}/failures: rows that failed, with step and message. */
export const useRunFailures = (tid: string, id: number, enabled: boolean) =>
  useQuery({
    queryKey: runKeys.failures(tid, id),
    queryFn: ({ signal }) => api<ListPage<RunFailure>>(`${base(tid)}/${id}/failures`, { query: { limit: 200 }, signal }),
    enabled,
  });

export interface StartRunInput {
  plan_id: string;
  upload_id: number;
  name: string;
  pool?: string;
}

/** POST .../runs → 202 {id}: the worker computes in the background. */
export function useStartRun(tid: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StartRunInput) => api<{ id: number; status: string; href: string }>(base(tid), { method: 'POST', body }),
    onSettled: () => void qc.invalidateQueries({ queryKey: runKeys.list(tid) }),
  });
}

/** POST .../runs/{id}/failures/retry: re-run the failed rows alone. */
export function useRetryFailures(tid: string, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ id: number }>(`${base(tid)}/${id}/failures/retry`, { method: 'POST', body: {} }),
    onSettled: () => void qc.invalidateQueries({ queryKey: runKeys.detail(tid, id) }),
  });
}
