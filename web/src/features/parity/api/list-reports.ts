import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { ParityReport } from '../types';
import { parityKeys } from './keys';

/** GET /api/v1/parity/reports, newest first. */
export function listReports(cursor: string | undefined, signal?: AbortSignal) {
  return api<ListPage<ParityReport>>('/api/v1/parity/reports', { query: { limit: 25, cursor }, signal });
}

export const reportsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: parityKeys.list(),
    queryFn: ({ pageParam, signal }) => listReports(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore && last.nextCursor ? last.nextCursor : undefined),
    // A queued run finishes in the worker: keep polling while any listed report is still running.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.data.some((r) => r.status === 'running')) ? 3000 : false,
  });

export const useReports = () => useInfiniteQuery(reportsQueryOptions());
