import { keepPreviousData, useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';

export interface RowsPage<T> {
  data: T[];
  total: number;
}

/**
 * Server-paginated rows for a virtualised table: only the pages under the visible range are
 * fetched (each one a cached query), so 100k rows cost a few requests of `pageSize` rows as the
 * user scrolls, not one huge response. `setRange` is the table's visible-range callback.
 */
export function usePagedRows<T>(
  key: readonly unknown[],
  fetchPage: (offset: number, limit: number, signal: AbortSignal) => Promise<RowsPage<T>>,
  pageSize = 200,
) {
  const qc = useQueryClient();
  const [range, setRangeState] = useState<[number, number]>([0, pageSize - 1]);
  const first = Math.floor(range[0] / pageSize);
  const last = Math.floor(range[1] / pageSize);
  const pages = useMemo(() => Array.from({ length: last - first + 1 }, (_, i) => first + i), [first, last]);
  const results = useQueries({
    queries: pages.map((p) => ({
      queryKey: [...key, 'page', pageSize, p],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchPage(p * pageSize, pageSize, signal),
      staleTime: 30_000,
      placeholderData: keepPreviousData,
    })),
  });
  const total = results.find((r) => r.data)?.data?.total ?? (qc.getQueryData<RowsPage<T>>([...key, 'page', pageSize, 0])?.total ?? 0);
  const rowAt = useCallback(
    (i: number): T | undefined => qc.getQueryData<RowsPage<T>>([...key, 'page', pageSize, Math.floor(i / pageSize)])?.data[i % pageSize],
    // Re-created when a page arrives (dataUpdatedAt), so the rows re-render with it.
    [qc, pageSize, JSON.stringify(key), results.map((r) => r.dataUpdatedAt).join()],
  );
  const setRange = useCallback((start: number, end: number) => {
    setRangeState((prev) => (prev[0] === start && prev[1] === end ? prev : [start, end]));
  }, []);
  return {
    total,
    rowAt,
    setRange,
    isPending: results.every((r) => r.isPending),
    error: results.find((r) => r.error)?.error ?? null,
    isFetching: results.some((r) => r.isFetching),
    refetch: () => Promise.all(results.map((r) => r.refetch())),
  };
}
