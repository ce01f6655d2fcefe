import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { Mismatch, MismatchFilters } from '../types';
import { parityKeys } from './keys';

export const MISMATCH_PAGE_SIZE = 25;

/** GET /api/v1/parity/reports/{id}/mismatches: largest difference first, one line per (employee, output). */
export function listMismatches(
  id: string,
  filters: MismatchFilters,
  cursor: string | undefined,
  signal?: AbortSignal,
) {
  return api<ListPage<Mismatch>>(`/api/v1/parity/reports/${encodeURIComponent(id)}/mismatches`, {
    query: {
      output: filters.output,
      minDiff: filters.minDiff,
      overToleranceOnly: filters.overToleranceOnly ? 'true' : undefined,
      limit: MISMATCH_PAGE_SIZE,
      cursor,
    },
    signal,
  });
}

export const mismatchesQueryOptions = (id: string, filters: MismatchFilters, cursor: string | undefined) =>
  queryOptions({
    queryKey: parityKeys.mismatches(id, filters, cursor),
    queryFn: ({ signal }) => listMismatches(id, filters, cursor, signal),
    placeholderData: keepPreviousData,
  });

export const useMismatches = (
  id: string,
  filters: MismatchFilters,
  cursor: string | undefined,
  enabled = true,
) => useQuery({ ...mismatchesQueryOptions(id, filters, cursor), enabled });
